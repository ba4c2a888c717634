/**
 * The one ending of a run (core/finish/finish-run.ts), seen through the commands that end there:
 * `retrieve` after `exec` returns the stored summary (local and azlin targets); the merge advice
 * names a ref that holds this run's result when it is printed, and works when pasted into a
 * shell, uncommitted work included; a detached summary's duration is the run's real time.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STASH_COMMAND } from "../../src/core/finish/merge-advice.js";
import { retrieveDetached } from "../../src/core/runs/retrieve-detached.js";
import { runStatus } from "../../src/core/runs/run-status.js";
import { startDetached } from "../../src/core/runs/start-detached.js";
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

describe.each(azlinModes(null).slice(0, 1))("finishing a run on the azlin target ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode);
  test("retrieve after a successful exec returns the stored summary, without touching the deleted VM", async () => {
    const { fake, deps } = await setup();
    const summary = await executeRun(deps, {
      command: "auto",
      prompt: "on azlin",
      target: "azlin",
      agentCommand: [RECORDING_AGENT],
    });
    expect(summary.status).toBe("succeeded");
    expect(summary.release).toMatchObject({ deleted: true });
    const calls = fake.argvs().length;
    expect(await retrieveDetached(deps, summary.runId)).toEqual(summary);
    expect(fake.argvs().length).toBe(calls); // answered from the record: azlin was not asked
  });
});
