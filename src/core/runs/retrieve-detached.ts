/**
 * `retrieve RUN`: logs and branches of a finished run into remote-exec/, then the machine is given
 * back (core/finish/finish-run.ts). Idempotent: a run already home returns its stored summary,
 * with merge advice checked again, so it is true when it is printed.
 */

import type { RunRecord } from "../../state/run-record.js";
import type { RunSummary } from "../../state/run-summary.js";
import { RemoteError } from "../../util/errors.js";
import { finishRun } from "../finish/finish-run.js";
import { mergeAdvice } from "../finish/merge-advice.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { attachLease, loadRun, refreshRun } from "./refresh-run.js";
import { withRetrievalClaim } from "./retrieval-claim.js";

export async function retrieveDetached(
  deps: WorkflowDeps,
  runId: string,
  options: { keepVm?: boolean; signal?: AbortSignal } = {},
): Promise<RunSummary> {
  let record = await loadRun(deps, runId);
  if (record.summary) return storedSummary(deps, record.repo, record.summary);
  record = (await refreshRun(deps, record, options.signal)).record;
  if (record.status === "running" || record.status === "pending") {
    throw new RemoteError(
      "usage",
      `Run ${record.id} is still ${record.status}.`,
      `Wait for it (amplihack-remote status ${record.id}) or stop it (amplihack-remote kill ${record.id}).`,
    );
  }
  if (record.status === "blocked" || (record.status === "error" && !record.startedAt)) {
    throw new RemoteError(
      "usage",
      `Run ${record.id} never started (${record.status}); there is nothing to retrieve.`,
      record.error?.remedy ?? "Start it again.",
    );
  }
  return retrieveFinished(deps, record, options);
}

/** A finished run's results home, its machine released: shared by retrieve and status's auto-retrieve. */
export async function retrieveFinished(
  deps: WorkflowDeps,
  record: RunRecord,
  options: { keepVm?: boolean; signal?: AbortSignal } = {},
): Promise<RunSummary> {
  return withRetrievalClaim(deps.store, record.id, async () => {
    // Another process may have brought it home while this one looked: never twice.
    const fresh = await loadRun(deps, record.id);
    if (fresh.summary) return fresh.summary;
    return finishRun(deps, {
      record,
      lease: await attachLease(deps, record),
      driver: "retrieve",
      keepRequested: record.keepVm || options.keepVm === true,
      signal: options.signal,
    });
  });
}

/** The summary stored when the results came home; other runs of the same branch may have moved the aliases since. */
async function storedSummary(deps: WorkflowDeps, repo: string, summary: RunSummary): Promise<RunSummary> {
  return { ...summary, next: await mergeAdvice(repo, deps.runner, summary) };
}
