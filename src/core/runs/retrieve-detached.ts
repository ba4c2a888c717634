/**
 * `retrieve RUN`: logs and branches of a finished run into remote-exec/, then the machine is given
 * back. Idempotent: a run already retrieved returns the summary it got the first time.
 */

import type { RunRecord } from "../../state/run-record.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { retrieveRun } from "../workflow/retrieve-run.js";
import { mergeHints, type RunSummary, snapshotCommitOf } from "../workflow/summary.js";
import { attachLease, loadRun, refreshRun } from "./refresh-run.js";

export async function retrieveDetached(
  deps: WorkflowDeps,
  runId: string,
  options: { release?: boolean; signal?: AbortSignal } = {},
): Promise<RunSummary> {
  let record = await loadRun(deps, runId);
  if (record.retrieved && record.summary) return record.summary as unknown as RunSummary;
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
  return retrieveAndRelease(deps, record, options);
}

/** Shared by retrieve and by status's auto-retrieve. */
export async function retrieveAndRelease(
  deps: WorkflowDeps,
  record: RunRecord,
  options: { release?: boolean; signal?: AbortSignal } = {},
): Promise<RunSummary> {
  const lease = await attachLease(deps, record);
  const retrieved = await retrieveRun({
    machine: lease.machine,
    record,
    runner: deps.runner,
    env: deps.env,
    signal: options.signal,
  });
  const warnings: string[] = [...retrieved.warnings];
  let release = null;
  if (options.release !== false) {
    // Work is home now; a VM is kept only on request, or when the agent did not succeed.
    const keep = record.keepVm || (lease.created && retrieved.result.status !== "succeeded");
    release = await lease.release({ keep, signal: AbortSignal.timeout(10 * 60_000) }).catch((err) => ({
      deleted: false,
      kept: true,
      message: `Release failed: ${asRemoteError(err).message}`,
    }));
    if (release.kept && lease.created)
      warnings.push(
        `The VM ${lease.machine.name} is still running (and billing). Reach it with: ${lease.machine.howToReach}`,
      );
  }
  const summary: RunSummary = {
    runId: record.id,
    status: retrieved.result.status,
    exitCode: retrieved.result.exitCode,
    target: record.target,
    vm: record.target === "local" ? null : (record.vm?.name ?? null),
    durationSeconds: retrieved.result.startedAt ? retrieved.result.endedAt - retrieved.result.startedAt : 0,
    branches: retrieved.branches,
    tags: retrieved.tags,
    logsDir: retrieved.logsDir,
    agentTail: retrieved.agentTail,
    release,
    next: mergeHints(retrieved.branches),
    snapshotCommit: snapshotCommitOf(record.shippedHeads),
    warnings,
  };
  await deps.store.patchRun(record.id, {
    retrieved: true,
    error: null,
    resultRefs: retrieved.branches.map((b) => b.runRef),
    logsDir: retrieved.logsDir,
    vm: record.vm
      ? { ...record.vm, deleted: record.vm.deleted || Boolean(release?.deleted && lease.created) }
      : null,
    summary: summary as unknown as Record<string, unknown>,
  });
  return summary;
}
