/**
 * Merge advice names a ref that holds this run's result when it is printed: the moving alias
 * while it still points at this run's commit, else the run's own ref; uncommitted work that went
 * along is set aside first. (finish-run.test.ts pastes the advice into a shell end to end.)
 */
import { afterAll, describe, expect, it } from "vitest";
import { mergeAdvice, STASH_COMMAND } from "../../../src/core/finish/merge-advice.js";
import type { RunSummary } from "../../../src/state/run-summary.js";
import { defaultRunner } from "../../../src/util/run.js";
import { cleanup, commitFile, git, makeRepo } from "../../support/repo.js";

type BranchResult = RunSummary["branches"][number];

const repo = makeRepo();
afterAll(() => cleanup(repo));

function branch(runId: string, commit: string, status: BranchResult["status"] = "updated"): BranchResult {
  return {
    branch: "main",
    status,
    commit,
    runRef: `refs/remotes/remote-exec/${runId}/main`,
    aliasRef: "refs/remotes/remote-exec/main",
    newCommits: [],
    filesChanged: [],
    local: null,
  };
}

const advise = (branches: BranchResult[], snapshotCommit: string | null = null) =>
  mergeAdvice(repo, defaultRunner, { branches, snapshotCommit });

describe("mergeAdvice", () => {
  const first = commitFile(repo, "a.txt", "a\n").trim();
  const second = commitFile(repo, "b.txt", "b\n").trim();

  it("names the alias while it points at this run's commit", async () => {
    git(repo, "update-ref", "refs/remotes/remote-exec/main", first);
    const next = await advise([branch("r1", first)]);
    expect(next).toEqual(["git merge remote-exec/main"]);
  });

  it("names the run's own ref once a later run moved the alias", async () => {
    git(repo, "update-ref", "refs/remotes/remote-exec/main", second);
    const next = await advise([branch("r1", first)]);
    expect(next).toEqual(["git merge remote-exec/r1/main"]);
  });

  it("sets uncommitted work aside first, and says nothing when nothing changed", async () => {
    const withWip = await advise([branch("r2", second)], first);
    expect(withWip).toEqual([STASH_COMMAND, "git merge remote-exec/main"]);
    const none = await advise([branch("r3", second, "unchanged")], first);
    expect(none).toEqual([]);
  });
});
