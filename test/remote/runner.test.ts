/**
 * runner.sh keeps its own files out of the agent's workspace: whatever it writes while setting the
 * workspace up (its log among them) must not come home as work the agent left uncommitted.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("runner.sh", () => {
  it("logs a setup warning to the run's log, not into the workspace the agent's work is taken from", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    // A file where the machine's repository cache would go: updating the cache fails, and the
    // runner logs that while it is still inside the workspace.
    const area = join(state, "local-target", ".amplihack-remote");
    mkdirSync(area, { recursive: true });
    writeFileSync(join(area, "cache"), "not a folder\n");

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("a task"));

    expect(summary.status, JSON.stringify(summary.warnings)).toBe("succeeded");
    expect(readFileSync(join(summary.logsDir!, "runner.log"), "utf8")).toContain(
      "could not update the repository cache",
    );
    expect(summary.branches[0]?.newCommits.map((c) => c.subject)).toEqual(["agent commit"]);
  });
});
