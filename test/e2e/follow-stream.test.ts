/**
 * Following a run over the watcher stream, through the fake azlin: `output --follow` hands on each
 * line while the agent is still writing (the agent waits for the test to have seen a line before
 * it writes the next), and a stream whose link keeps dropping (the fake's drop fault, ssh's 255)
 * resumes where it was without losing or repeating a line; `exec`'s start goes on as the run's
 * watcher, and when that stream drops the follow reopens it and the run still comes home.
 */
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import { followOutput } from "../../src/core/runs/run-output.js";
import { startDetached } from "../../src/core/runs/start-detached.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { commitsHome, until } from "../support/fault-support.js";
import { cleanup, tempDir } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
const dirs: string[] = [];
afterAll(async () => {
  await sshd?.stop();
  cleanup(...dirs);
});

/**
 * An agent that writes `lines` lines, each in two halves (so a drop can fall mid-line), and after
 * each line waits until the file gate/<n> exists: the test opens the gate only once it has seen
 * that line, so a line that is not handed on before the agent ends is a hang, not a timing.
 */
function gatedAgent(lines: number): { agent: string; gate: string } {
  const dir = tempDir("ar-gated-");
  dirs.push(dir);
  const gate = join(dir, "gate");
  writeFileSync(join(dir, ".keep"), "");
  const agent = join(dir, "gated-agent.sh");
  writeFileSync(
    agent,
    `#!/usr/bin/env bash
for i in $(seq 1 ${lines}); do
  printf 'line %s first half' "$i"
  sleep 0.2
  printf ' second half\\n'
  while [ ! -e ${gate}-$i ]; do sleep 0.05; done
done
echo followed > followed.txt && git add followed.txt && git commit -qm followed
`,
  );
  chmodSync(agent, 0o755);
  chmodSync(dir, 0o777); // the VM's own user writes nothing here but must read the gates (ssh mode)
  return { agent, gate };
}

describe.each(azlinModes(sshd))("following a run over one stream ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode, { user: "follow" });

  const KEY = { ANTHROPIC_API_KEY: `sk-ant-api03-follow${"F".repeat(40)}` };
  const watchConnections = (fake: { argvs(): string[][] }) =>
    fake.argvs().filter((a) => a[0] === "connect" && a.join(" ").includes("watch.sh"));

  async function startGated(lines: number) {
    const ctx = await setup(KEY);
    const { agent, gate } = gatedAgent(lines);
    const [started] = await startDetached(
      ctx.deps,
      { command: "auto", target: "azlin", agentCommand: [agent] },
      ["follow me"],
      { autoRetrieve: false },
    );
    expect(started?.error?.message ?? "ok").toBe("ok");
    return { ...ctx, gate, runId: started!.runId };
  }

  /**
   * Follows the run's output, opening each line's gate as soon as that line arrives and `open`
   * has settled (a test that needs things to happen mid-run holds the agent there until they did).
   */
  async function follow(
    deps: Parameters<typeof followOutput>[0],
    runId: string,
    gate: string,
    open: Promise<unknown> = Promise.resolve(),
  ) {
    const seen: string[] = [];
    let partial = "";
    await followOutput(
      deps,
      runId,
      (chunk) => {
        partial += chunk;
        const parts = partial.split("\n");
        partial = parts.pop() ?? "";
        for (const line of parts) {
          seen.push(line);
          const m = /^line (\d+) /.exec(line);
          if (m) void open.then(() => writeFileSync(`${gate}-${m[1]}`, ""));
        }
      },
      { beatSeconds: 1 },
    );
    if (partial) seen.push(partial);
    return seen;
  }

  const expected = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1} first half second half`);

  test("output --follow hands on each line while the agent is still writing", async () => {
    const { deps, runId, gate, fake } = await startGated(4);
    const seen = await follow(deps, runId, gate);
    expect(seen.filter((l) => l.startsWith("line "))).toEqual(expected(4));
    // Every gate was opened by a line the stream delivered; the agent then finished.
    for (let i = 1; i <= 4; i++) expect(existsSync(`${gate}-${i}`)).toBe(true);
    // One connection followed the whole run.
    expect(watchConnections(fake)).toHaveLength(1);
  });

  test("a stream that drops mid-run resumes without losing or repeating a line", async () => {
    const { deps, runId, gate, fake } = await startGated(8);
    // Every connection from now on dies 1.2 s after it opened, as ssh's 255 mid-command.
    fake.setFaults("connect:drop:1200");
    const seen: string[] = [];
    // Once several links have died, let the next one live so the run can be followed to its end.
    // The agent is held at its first line until then: run free, it could end before the drops.
    const dropsBeforeHealing = 3;
    const dropped = until(
      () => watchConnections(fake).length > dropsBeforeHealing,
      "several links to have died",
    ).then(() => fake.setFaults(""));
    await follow(deps, runId, gate, dropped).then((lines) => seen.push(...lines));
    expect(seen.filter((l) => l.startsWith("line "))).toEqual(expected(8));
    expect(watchConnections(fake).length).toBeGreaterThan(dropsBeforeHealing);
  });

  test("exec: the stream its start opened drops mid-run; the follow reopens it and the run's work comes home", async () => {
    const { fake, repo, deps } = await setup(KEY);
    const { agent, gate } = gatedAgent(1);
    // From the start on, every connection dies 4 s after it opened (ssh's 255), the start's too.
    const progress = deps.onProgress;
    deps.onProgress = (e) => {
      if (e.stage === "execute" && e.message.startsWith("verifying the upload"))
        fake.setFaults("connect:drop:4000");
      progress?.(e);
    };
    const running = executeRun(deps, {
      command: "auto",
      target: "azlin",
      agentCommand: [agent],
      prompt: "p",
    });
    // The agent holds on until a link of the follow's own was opened after the start's died.
    const startsAndWatches = () => watchConnections(fake).map((a) => a.join(" ").includes("start.sh"));
    await until(() => startsAndWatches().includes(false), "the follow to reopen the stream");
    fake.setFaults("");
    writeFileSync(`${gate}-1`, "");
    const summary = await running;
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe("succeeded");
    expect(commitsHome(repo, summary.runId)).toEqual(["followed"]);
    // The start's connection was the first watcher; it started the run once (a retried start, if
    // its link died first, finds the run started and only watches).
    const kinds = startsAndWatches();
    expect(kinds[0]).toBe(true);
    expect(kinds.indexOf(false)).toBeGreaterThan(0);
  });
});
