/**
 * Which result a continued run starts from: the earlier run's record, the branch it worked on and
 * the commit its results left under refs/remotes/remote-exec/<run>/<branch> in the user's
 * repository, and whether its machine is still there to continue on. Every way this can be
 * impossible (unknown run, still running, never started, nothing came home, results deleted) is
 * refused before anything is packaged, with what to do instead.
 */
import { createGit } from "../../git/git.js";
import type { RunRecord } from "../../state/run-record.js";
import { RemoteError } from "../../util/errors.js";
import { loadRun } from "../runs/refresh-run.js";
import type { WorkflowDeps } from "../workflow/deps.js";

export interface Parent {
  record: RunRecord;
  /** The branch the continued run works on (the earlier run's result branch, same name). */
  branch: string;
  /** The result commit it starts from, as it is in the user's repository now. */
  commit: string;
  /** refs/remotes/remote-exec/<run>/<branch> */
  runRef: string;
  /** The machine the earlier run was kept on, when it still stands (null: a fresh one is used). */
  keptVm: string | null;
}

export async function resolveParent(deps: WorkflowDeps, runId: string): Promise<Parent> {
  const record = await loadRun(deps, runId);
  const id = record.id;
  if (record.status === "pending" || record.status === "running") {
    throw new RemoteError(
      "usage",
      `Run ${id} is still ${record.status}: it has no results to continue from yet.`,
      `Wait for it to end (\`amplihack-remote status ${id} --wait 110\`, again until it is no longer ${record.status}; or remote_status with waitSeconds), then continue it.`,
    );
  }
  if (!record.summary) {
    throw new RemoteError(
      "usage",
      record.startedAt
        ? `Run ${id} ended (${record.status}) but its results are not home yet.`
        : `Run ${id} never started (${record.status}): there are no results to continue from.`,
      record.startedAt
        ? `Bring them home with \`amplihack-remote retrieve ${id} --keep-vm\` (keeping its VM lets the continued run resume the agent's session there), then continue it.`
        : "Start a new run with `amplihack-remote exec` instead.",
    );
  }
  const branches = record.summary.branches;
  const chosen =
    branches.find((b) => b.status === "updated") ?? branches.find((b) => b.status === "new") ?? null;
  if (!chosen) {
    throw new RemoteError(
      "usage",
      `Run ${id} brought no new commits home: there is no result to continue from.`,
      "Start a new run with `amplihack-remote exec` instead (it starts from your branch).",
    );
  }
  const git = createGit(record.repo, deps.runner);
  const tip = await git.try(["rev-parse", "--verify", "--quiet", `${chosen.runRef}^{commit}`]);
  if (tip.exitCode !== 0) {
    throw new RemoteError(
      "run-not-found",
      `The results of run ${id} are no longer in ${record.repo}: ${chosen.runRef} was deleted.`,
      `Fetch them again with \`amplihack-remote retrieve ${id}\` if its machine was kept, or start a new run from your branch with \`amplihack-remote exec\`.`,
    );
  }
  const vm = record.vm;
  const kept = record.summary.release?.kept === true && vm !== null && !vm.deleted;
  return {
    record,
    branch: chosen.branch,
    commit: tip.stdout.trim(),
    runRef: chosen.runRef,
    keptVm: kept && vm ? vm.name : null,
  };
}
