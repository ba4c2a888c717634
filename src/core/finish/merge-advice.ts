/**
 * What to type to merge a run's results, true at the moment it is printed. The alias
 * remote-exec/<branch> moves with every run of that branch, so it is named only while it still
 * points at this run's commit; otherwise the run's own ref remote-exec/<run-id>/<branch> is.
 * Every command is meant to be followed literally (a test pastes them into a shell).
 */
import { createGit } from "../../git/git.js";
import { refTips } from "../../git/ref-tips.js";
import type { RunSummary } from "../../state/run-summary.js";
import type { Runner } from "../../util/run.js";
import { shellQuote } from "../../util/shell-quote.js";

const SHORT = (ref: string) => ref.replace(/^refs\/remotes\//, "");

/**
 * The user's uncommitted work went along as the snapshot commit under the agent's commits, so the
 * merge brings it back: their own copy must be set aside first, untracked files included (a plain
 * `git stash` leaves those, and the merge then refuses to overwrite them). With nothing to set
 * aside, `git stash push` says so and succeeds.
 */
export const STASH_COMMAND = `git stash push --include-untracked --message ${shellQuote("amplihack-remote: my copy of the work the run took along")}`;

export async function mergeAdvice(
  repo: string,
  runner: Runner,
  summary: Pick<RunSummary, "branches" | "snapshotCommit">,
): Promise<string[]> {
  const changed = summary.branches.filter((b) => b.status !== "unchanged");
  if (changed.length === 0) return [];
  const aliases = changed.map((b) => b.aliasRef).filter((r): r is string => r !== null);
  const tips = await refTips(createGit(repo, runner), aliases);
  const merges = changed.map((b) => {
    const aliasIsOurs = b.aliasRef !== null && tips.get(b.aliasRef) === b.commit;
    return `git merge ${shellQuote(SHORT(aliasIsOurs && b.aliasRef ? b.aliasRef : b.runRef))}`;
  });
  return summary.snapshotCommit ? [STASH_COMMAND, ...merges] : merges;
}
