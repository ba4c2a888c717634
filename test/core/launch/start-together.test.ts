/**
 * The runs that took a machine together start together (core/launch/start-together.ts): one
 * connection once every one of them has asked or dropped out; a run outside the group, or asking
 * again after its group started, goes alone; a failed connection lets the group's retries go
 * together again. Run on the local target's machine: real bash.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startsTogether } from "../../../src/core/launch/start-together.js";
import { LocalMachine } from "../../../src/targets/local/local-target.js";
import type { Machine } from "../../../src/targets/types.js";
import { defaultRunner, type Runner } from "../../../src/util/run.js";
import { cleanup, tempDir } from "../../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function machine() {
  const home = tempDir("ar-together-");
  dirs.push(home);
  const connections: string[] = [];
  const recording: Runner = (command, args, opts) => {
    connections.push(args.join(" "));
    return defaultRunner(command, args, opts);
  };
  return { machine: new LocalMachine(home, recording) as Machine, connections };
}

const start = (answer: number) => ({ script: `read -r line; echo "$line" >&2; exit ${answer}` });

describe("starting the runs of a machine together", () => {
  it("waits for every run of the group, then starts them all in one connection, each with its own answer", async () => {
    const { machine: m, connections } = machine();
    const starts = startsTogether((vm) => (vm === "local" ? Promise.resolve(["a", "b", "c"]) : undefined));
    const asked = ["a", "b", "c"].map((id, i) =>
      starts.start(m, id, start(i).script, { timeoutMs: 60_000, input: `input of ${id}\n` }),
    );
    const results = await Promise.all(asked);
    expect(connections).toHaveLength(1);
    expect(results.map((r) => [r.exitCode, r.stderr])).toEqual([
      [0, "input of a\n"],
      [1, "input of b\n"],
      [2, "input of c\n"],
    ]);
  });

  it("does not wait for a run that dropped out, and lets a run outside the group or asking again go alone", async () => {
    const { machine: m, connections } = machine();
    const starts = startsTogether(() => Promise.resolve(["a", "b", "c"]));
    const a = starts.start(m, "a", start(0).script, { timeoutMs: 60_000, input: "a\n" });
    const b = starts.start(m, "b", start(0).script, { timeoutMs: 60_000, input: "b\n" });
    starts.withdraw("c");
    await Promise.all([a, b]);
    expect(connections).toHaveLength(1);
    await starts.start(m, "a", start(0).script, { timeoutMs: 60_000, input: "a again\n" });
    await starts.start(m, "z", start(0).script, { timeoutMs: 60_000, input: "z\n" });
    expect(connections).toHaveLength(3);
  });

  it("a run withdrawn before its group first asked is not waited for either", async () => {
    const { machine: m, connections } = machine();
    const starts = startsTogether(() => Promise.resolve(["a", "b"]));
    starts.withdraw("b");
    expect((await starts.start(m, "a", start(0).script, { timeoutMs: 60_000, input: "a\n" })).exitCode).toBe(
      0,
    );
    expect(connections).toHaveLength(1);
  });

  it("after a failed connection, the group's retries go together again", async () => {
    const { machine: real, connections } = machine();
    let failNext = true;
    const flaky = {
      ...real,
      name: real.name,
      exec: (script: string, options: Parameters<Machine["exec"]>[1]) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error("ssh dropped"));
        }
        return real.exec(script, options);
      },
    } as Machine;
    const starts = startsTogether(() => Promise.resolve(["a", "b"]));
    const ask = (id: string) =>
      starts.start(flaky, id, start(0).script, { timeoutMs: 60_000, input: `${id}\n` });
    const first = await Promise.allSettled([ask("a"), ask("b")]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    const again = await Promise.all([ask("a"), ask("b")]);
    expect(again.map((r) => r.stderr)).toEqual(["a\n", "b\n"]);
    expect(connections).toHaveLength(1);
  });
});
