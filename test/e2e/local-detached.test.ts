/**
 * Detached runs on the local target: start returns while the agents run on; any later call
 * (status, output, kill, retrieve) picks them up from the state file and the machine.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killRun } from "../../src/core/runs/kill-run.js";
import { retrieveDetached } from "../../src/core/runs/retrieve-detached.js";
import { runOutput } from "../../src/core/runs/run-output.js";
import { runStatus } from "../../src/core/runs/run-status.js";
import { startDetached } from "../../src/core/runs/start-detached.js";
import { newRunRecord } from "../../src/state/run-record.js";
import { until } from "../support/fault-support.js";
import { localDeps, RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

const base = { command: "auto" as const, target: "local" as const, agentCommand: [RECORDING_AGENT] };

describe("detached runs on the local target", () => {
  it("starts several prompts at once, follows them from a fresh process view, and retrieves each into its own refs", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const { deps } = localDeps(repo, state);
    const outcomes = await startDetached(deps, base, ["first task", "second task", "third task"], {
      autoRetrieve: false,
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);

    // A second set of deps stands for another terminal: it knows only the state directory.
    const other = localDeps(repo, state).deps;
    await until(async () =>
      (await runStatus(other, undefined, { autoRetrieve: false })).every(
        (e) => e.record.status === "succeeded",
      ),
    );
    for (const o of outcomes) {
      const summary = await retrieveDetached(other, o.runId);
      expect(summary.status).toBe("succeeded");
      expect(git(repo, "show", `remote-exec/${o.runId}/main:notes.txt`)).toBe(`${o.prompt}\n`);
      // Idempotent: the second retrieve returns the same summary without going to the machine.
      expect((await retrieveDetached(other, o.runId)).branches).toEqual(summary.branches);
    }
    const out = await runOutput(other, outcomes[0].runId, { lines: 5 });
    expect(out.text).toContain("done");
    expect(out.source).toBe("retrieved-logs");
  });

  it("kills one run while its neighbour keeps running and succeeds", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const { deps } = localDeps(repo, state);
    const [victim, neighbour] = await startDetached(deps, base, ["slow and doomed", "slow but spared"], {});
    await until(async () =>
      (await runOutput(deps, victim.runId, { lines: 5 }).catch(() => ({ text: "" }))).text.includes(
        "sleeping",
      ),
    );
    const killed = await killRun(deps, victim.runId);
    expect(killed.record.status).toBe("killed");
    const [n] = await runStatus(deps, neighbour.runId, { autoRetrieve: false });
    expect(n.record.status).toBe("running");
    // The killed run's partial commit still comes home; status auto-retrieves finished runs.
    const [k] = await runStatus(deps, victim.runId);
    expect(k.record.summary?.status).toBe("killed");
    expect(k.retrievedNow?.branches[0]?.newCommits.map((c) => c.subject)).toEqual([
      "partial work before the timeout",
    ]);
    await killRun(deps, neighbour.runId);
  });

  it("finds a run whose starting process died and marks it", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const { deps } = localDeps(repo, state);
    await deps.store.putRun(
      newRunRecord({
        id: "20260101-000000-dead",
        repo,
        target: "local",
        command: "auto",
        promptPreview: "x",
        driverPid: 2 ** 22 + 12345, // no such process
      }),
    );
    const [entry] = await runStatus(deps, "dead");
    expect(entry.record.status).toBe("error");
    expect(entry.record.error?.message).toMatch(/died before the agent started/);
    expect(existsSync(join(state, "state.json"))).toBe(true);
  });

  it("a detached run that outlives its timeout is stopped by the machine itself", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const { deps } = localDeps(repo, state, { AMPLIHACK_REMOTE_TIMEOUT_SECONDS: "2" });
    const [run] = await startDetached(deps, base, ["slow and forgotten"], { autoRetrieve: false });
    // Nothing local follows it: the runner on the machine enforces the timeout on its own. Status
    // only reads what the machine says, so waiting for the event (not a fixed time) proves it, on a
    // busy machine too; the agent itself sleeps far longer than the bound.
    const observer = localDeps(repo, state).deps;
    const statusNow = async () => (await runStatus(observer, run.runId, { autoRetrieve: false }))[0].record;
    await until(async () => (await statusNow()).status !== "running", "the run to end");
    expect(await statusNow()).toMatchObject({ status: "timed-out", exitCode: 124 });
  });
});
