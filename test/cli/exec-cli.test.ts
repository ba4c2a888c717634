/**
 * The CLI as a user meets it: help, usage errors with exit 2, --json, piped progress, and Ctrl-C
 * in the middle of a run (the agent is stopped, its work still comes home, nothing is left).
 */

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "../../src/state/store.js";
import { runCli, startCli } from "../support/cli.js";
import { waitForOutput } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir, userStateHash } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  dirs.push(repo, state);
  return { repo, state, env: { AMPLIHACK_REMOTE_STATE_DIR: state, AMPLIHACK_REMOTE_POLL_SECONDS: "0.3" } };
}

describe("amplihack-remote exec (CLI)", () => {
  it("documents every option in --help", async () => {
    const { repo } = setup();
    const r = await runCli(["exec", "--help"], { cwd: repo });
    expect(r.code).toBe(0);
    for (const opt of [
      "--max-turns",
      "--vm-size",
      "--vm-name",
      "--keep-vm",
      "--no-reuse",
      "--timeout",
      "--region",
      "--target",
      "--agent-command",
      "--json",
    ]) {
      expect(r.stdout).toContain(opt);
    }
  });

  it.each([
    [["exec", "deploy", "x", "--target", "local"], /COMMAND must be one of/],
    [["exec", "auto", "  ", "--target", "local"], /PROMPT must not be blank/],
    [["exec", "auto", "x", "--max-turns", "0", "--target", "local"], /--max-turns must be between 1 and 50/],
    [["exec", "auto", "x", "--timeout", "481", "--target", "local"], /--timeout must be between 5 and 480/],
    [["exec", "auto", "x", "--max-turns", "ten"], /--max-turns must be a whole number/],
    [["exec", "auto", "x", "--target", "mars"], /Allowed choices are local, azlin/],
    [["exec", "auto"], /missing required argument 'prompt'/],
  ])("refuses %j with exit 2 and the rule", async (args, message) => {
    const { repo, env } = setup();
    const r = await runCli(args, { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("prints plain progress lines when piped, and a JSON summary with --json", async () => {
    const { repo, env } = setup();
    const plain = await runCli(
      ["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "hello"],
      { cwd: repo, env },
    );
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/^\[1\/9\] validate: /m);
    expect(plain.stderr).not.toContain("\r");
    expect(plain.stdout).toContain("git merge remote-exec/main");

    const json = await runCli(
      ["exec", "--json", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "again"],
      { cwd: repo, env },
    );
    expect(json.code).toBe(0);
    expect(json.stderr).toBe("");
    const summary = JSON.parse(json.stdout);
    expect(summary.status).toBe("succeeded");
    expect(summary.branches[0].branch).toBe("main");
  });

  it("exits with the agent's failure (1) and the timeout (6)", async () => {
    const { repo, env } = setup();
    const failed = await runCli(
      ["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "fail now"],
      { cwd: repo, env },
    );
    expect(failed.code).toBe(1);
    const timedOut = await runCli(
      ["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "slow one"],
      {
        cwd: repo,
        env: { ...env, AMPLIHACK_REMOTE_TIMEOUT_SECONDS: "2" },
      },
    );
    expect(timedOut.code).toBe(6);
    expect(timedOut.stdout).toContain("timed-out");
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "on %s mid-run: stops the agent, brings its work home, leaves nothing running",
    async (sig) => {
      const { repo, state, env } = setup();
      const before = userStateHash(repo);
      const run = startCli(
        ["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "slow task"],
        { cwd: repo, env },
      );
      await waitForOutput(run, /sleeping/);
      run.child.kill(sig);
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(r.stdout).toContain("killed");
      const [record] = Object.values((await new StateStore(join(state, "state.json")).read()).runs);
      expect(record.status).toBe("killed");
      expect(record.summary?.status).toBe("killed");
      expect(git(repo, "log", "--format=%s", "-1", `remote-exec/${record.id}/main`).trim()).toBe(
        "partial work before the timeout",
      );
      expect(userStateHash(repo)).toBe(before);
      const runs = join(state, "local-target", ".amplihack-remote", "runs");
      expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
    },
  );

  it("a run killed outright leaves its package; the next start removes it", async () => {
    const { repo, state, env: base } = setup();
    // A temporary directory of its own: another test's run sweeps the shared one, and would take
    // the killed run's package before this test has seen it left.
    const tmp = tempDir("ar-tmp-");
    dirs.push(tmp);
    const env = { ...base, TMPDIR: tmp };
    const ours = () => readdirSync(tmp).filter((n) => n.startsWith("amplihack-remote-pkg-"));
    const killed = startCli(
      ["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "slow task"],
      { cwd: repo, env },
    );
    await waitForOutput(killed, /sleeping/);
    const pid = killed.child.pid;
    const left = () => ours().filter((n) => n.startsWith(`amplihack-remote-pkg-${pid}-`));
    expect(left()).toHaveLength(1); // the package lives while its run does
    killed.child.kill("SIGKILL"); // nothing of it can clean up
    await killed.done;
    expect(left()).toHaveLength(1);

    const next = await runCli(
      ["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "hello"],
      { cwd: repo, env },
    );
    expect(next.code).toBe(0);
    expect(left()).toEqual([]);
    // The killed run's agent still runs on its (local) machine: stop it.
    const [record] = Object.values((await new StateStore(join(state, "state.json")).read()).runs).filter(
      (r) => r.status === "running",
    );
    expect((await runCli(["kill", record.id], { cwd: repo, env })).code).toBe(0);
  });
});
