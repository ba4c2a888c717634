/**
 * The one ending of a run (core/finish/finish-run.ts), seen through the commands that end there:
 * `retrieve` after `exec` returns the stored summary (local and azlin targets); the merge advice
 * names a ref that holds this run's result when it is printed, and works when pasted into a
 * shell, uncommitted work included; a detached summary's duration is the run's real time.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STASH_COMMAND } from "../../src/core/finish/merge-advice.js";
import { retrieveDetached } from "../../src/core/runs/retrieve-detached.js";
import { runStatus } from "../../src/core/runs/run-status.js";
import { startDetached } from "../../src/core/runs/start-detached.js";
import type { WorkflowDeps } from "../../src/core/workflow/deps.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { until } from "../support/fault-support.js";
import { executeRun, localDeps, localOptions, RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir, write } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function localRun() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  dirs.push(repo, state);
  return { repo, ...localDeps(repo, state) };
}

/** Runs each line as a user pasting it would: bash, in the repository, stopping at the first failure. */
function followLiterally(repo: string, commands: string[]): void {
  for (const command of commands) execFileSync("bash", ["-c", command], { cwd: repo, stdio: "pipe" });
}

describe("finishing a run", () => {
  it("retrieve after a successful exec returns the stored summary (local target)", async () => {
    const { deps } = localRun();
    const summary = await executeRun(deps, localOptions("first"));
    expect(summary.status).toBe("succeeded");
    const record = await deps.store.getRun(summary.runId);
    expect(record?.summary).toEqual(summary);
    expect(await retrieveDetached(deps, summary.runId)).toEqual(summary);
  });

  it("merge advice names this run's own ref once another run moved the alias, and works pasted literally, uncommitted work included", async () => {
    const { repo, deps } = localRun();
    // Uncommitted work of every kind the snapshot carries: a modified tracked file and an untracked one.
    write(repo, "README.md", "edited, not committed\n");
    write(repo, "draft.txt", "an untracked draft\n");
    const first = await executeRun(deps, localOptions("first task"));
    const second = await executeRun(deps, localOptions("second task"));
    expect([first.status, second.status]).toEqual(["succeeded", "succeeded"]);

    // The alias remote-exec/main now holds the second run: the first run's advice must not name it.
    const again = await retrieveDetached(deps, first.runId);
    expect(again.next).toEqual([STASH_COMMAND, `git merge remote-exec/${first.runId}/main`]);
    expect((await retrieveDetached(deps, second.runId)).next).toEqual([
      STASH_COMMAND,
      "git merge remote-exec/main",
    ]);

    followLiterally(repo, again.next);
    expect(git(repo, "rev-parse", "HEAD").trim()).toBe(first.branches[0].commit);
    expect(git(repo, "status", "--porcelain").trim()).toBe("");
    expect(readFileSync(join(repo, "notes.txt"), "utf8")).toBe("first task\n");
    // The user's own work is in the merged result, and their copy waits in the stash.
    expect(readFileSync(join(repo, "README.md"), "utf8")).toBe("edited, not committed\n");
    expect(readFileSync(join(repo, "draft.txt"), "utf8")).toBe("an untracked draft\n");
    expect(git(repo, "stash", "list")).toContain("amplihack-remote: my copy of the work the run took along");
  });

  it("a clean repository gets a plain merge, which works pasted literally", async () => {
    const { repo, deps } = localRun();
    const summary = await executeRun(deps, localOptions("clean"));
    expect(summary.snapshotCommit).toBeNull();
    expect(summary.next).toEqual(["git merge remote-exec/main"]);
    followLiterally(repo, summary.next);
    expect(git(repo, "rev-parse", "HEAD").trim()).toBe(summary.branches[0].commit);
  });

  it("a detached run's summary gives its real duration, not 0", async () => {
    const { deps } = localRun();
    const [run] = await startDetached(
      deps,
      { command: "auto", target: "local", agentCommand: [RECORDING_AGENT] },
      ["detached"],
      { autoRetrieve: true },
    );
    let summary = null as Awaited<ReturnType<typeof runStatus>>[number]["retrievedNow"] | null;
    await until(async () => {
      summary = (await runStatus(deps, run.runId))[0].retrievedNow ?? summary;
      return summary !== null;
    }, "the detached run to be retrieved");
    const record = await deps.store.getRun(run.runId);
    // The run ended after it started, so its duration covers at least the time to its start.
    const toStart = (Date.parse(record!.startedAt!) - Date.parse(record!.createdAt)) / 1000;
    expect(summary!.durationSeconds).toBeGreaterThan(0);
    expect(summary!.durationSeconds).toBeGreaterThanOrEqual(Math.floor(toStart));
    expect(record?.summary).toEqual(summary);
  });
});

/**
 * A ref where the run's refs go (refs/remotes/remote-exec/<run-id>/...) makes git refuse to import
 * them: put there as the retrieval begins, before the import, once the run id is known.
 */
function blockTheImport(deps: WorkflowDeps, repo: string, state: string): { path: string } {
  const blocker = { path: "" };
  deps.onProgress = (e) => {
    if (e.stage !== "retrieve" || blocker.path) return;
    const runId = Object.keys(JSON.parse(readFileSync(join(state, "state.json"), "utf8")).runs)[0];
    blocker.path = join(repo, ".git", "refs", "remotes", "remote-exec", runId);
    mkdirSync(dirname(blocker.path), { recursive: true });
    writeFileSync(blocker.path, `${git(repo, "rev-parse", "HEAD").trim()}\n`);
  };
  return blocker;
}

const execOnAzlin = (deps: WorkflowDeps, prompt: string) =>
  executeRun(deps, { command: "auto", prompt, target: "azlin", agentCommand: [RECORDING_AGENT] });

describe.each(azlinModes(null).slice(0, 1))("finishing a run on the azlin target ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode);
  test("retrieve after a successful exec returns the stored summary, without touching the deleted VM", async () => {
    const { fake, deps } = await setup();
    const summary = await execOnAzlin(deps, "on azlin");
    expect(summary.status).toBe("succeeded");
    expect(summary.release).toMatchObject({ deleted: true });
    const calls = fake.argvs().length;
    expect(await retrieveDetached(deps, summary.runId)).toEqual(summary);
    expect(fake.argvs().length).toBe(calls); // answered from the record: azlin was not asked
  });

  test("an import that fails once the VM's release began leaves the results archive kept, and retrieve imports it from there", async () => {
    const { fake, repo, state, deps } = await setup();
    const blocker = blockTheImport(deps, repo, state);
    const summary = await execOnAzlin(deps, "kept");
    expect(summary.status).toBe("error");
    expect(summary.error?.code).toBe("integrate-failed");
    // The VM went while the import ran; what it held is kept here, and the summary says where.
    expect(summary.release).toMatchObject({ deleted: true, kept: false });
    expect(fake.argvs().map((a) => a[0])).toContain("kill");
    expect(fake.vm(summary.vm ?? "")).toBeUndefined();
    const kept = join(state, "kept-results", `${summary.runId}.tar.gz`);
    expect(existsSync(kept)).toBe(true);
    expect(summary.error?.message).toContain(kept);
    expect(summary.error?.remedy).toContain(`amplihack-remote retrieve ${summary.runId}`);

    // What stopped the import is cleared: retrieve imports the kept archive, without azlin.
    rmSync(blocker.path);
    const calls = fake.argvs().length;
    const again = await retrieveDetached(deps, summary.runId);
    expect(again.status).toBe("succeeded");
    expect(again.release).toMatchObject({ deleted: true });
    expect(git(repo, "show", `${again.branches[0].runRef}:notes.txt`)).toContain("kept");
    expect(fake.argvs().length).toBe(calls);
    expect(existsSync(kept)).toBe(false);
  });

  test("a process that dies while importing, its VM already going, leaves the run for status to bring home from the kept archive", async () => {
    const { fake, repo, state, deps } = await setup();
    const blocker = blockTheImport(deps, repo, state);
    const { runId } = await execOnAzlin(deps, "crashed");
    rmSync(blocker.path);
    // What a process killed during the import leaves: the record still says running, driven by a
    // process that is gone, with no summary; the VM is gone and the archive is kept.
    await deps.store.update((s) => {
      const r = s.runs[runId];
      expect(r.resultsKept?.path).toBe(join(state, "kept-results", `${runId}.tar.gz`));
      Object.assign(r, {
        status: "running",
        summary: null,
        error: null,
        endedAt: null,
        driverPid: 2 ** 22 + 12345,
      });
    });
    const calls = fake.argvs().length;
    const [entry] = await runStatus(deps, runId);
    expect(entry.retrievedNow?.status).toBe("succeeded");
    expect(git(repo, "show", `${entry.retrievedNow!.branches[0].runRef}:notes.txt`)).toContain("crashed");
    expect(fake.argvs().length).toBe(calls); // the machine is gone: nothing was asked of azlin
    expect(existsSync(join(state, "kept-results", `${runId}.tar.gz`))).toBe(false);
  });
});
