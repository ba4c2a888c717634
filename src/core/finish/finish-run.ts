/**
 * The one way a run ends, whoever drives it (`exec`, `retrieve`, `status`'s auto-retrieve, the
 * MCP tools): bring the results home, decide once whether the machine is kept, release it, build
 * the summary and store it with the run's final state in one record write.
 *
 * When the results cannot come home for a reason that may pass (contact lost, interrupted), the
 * run stays open instead: the machine keeps it and its slot, nothing is released, and `status` or
 * `retrieve` finishes it later from any process.
 */

import { join } from "node:path";
import type { RunRecord, RunStatus } from "../../state/run-record.js";
import type { RunSummary, SummaryStatus } from "../../state/run-summary.js";
import type { Lease, ReleaseOutcome } from "../../targets/types.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import { agentSpendFromFile } from "../plan/agent-spend.js";
import type { Progress } from "../progress.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { type Fetched, fetchResults, importResults, type Retrieved } from "../workflow/retrieve-run.js";
import { snapshotCommitOf } from "../workflow/summary.js";
import { keepMachine } from "./keep-machine.js";
import { dropKeptResults, importFailedKept, keepResults, keptResultsPath } from "./kept-results.js";
import { mergeAdvice } from "./merge-advice.js";

const RELEASE_BOUND_MS = 10 * 60_000;
/** Retrieval failures worth retrying later from the same machine (the results wait there). */
const RETRYABLE_RETRIEVAL = [
  "azlin-ssh",
  "azlin-timeout",
  "azlin-failed",
  "transfer-failed",
  "remote-failed",
];

export interface Ending {
  record: RunRecord;
  lease: Lease;
  /** Who finishes: `exec` returns a summary whatever happened; `retrieve` throws when nothing came home. */
  driver: "exec" | "retrieve";
  /** The user stopped the run (Ctrl-C) and its agent was told to stop. */
  cancelled?: boolean;
  /** Why the run could not be followed to its end, when it could not: nothing is retrieved then. */
  failure?: RemoteError | null;
  keepRequested: boolean;
  /** Said before the run ended (validation notes, a fallback identity), carried into the summary. */
  warnings?: string[];
  /**
   * Work beside the run that must settle before the machine is released (`exec`: a new VM's
   * tags), so it goes on during the retrieval; resolves to warnings for the summary, never rejects.
   */
  beforeRelease?: Promise<string[]>;
  /** Aborts the retrieval (not the release, which runs under its own bound). */
  signal?: AbortSignal;
  progress?: Progress;
}

export async function finishRun(deps: WorkflowDeps, ending: Ending): Promise<RunSummary> {
  const { retrieved, failure, released } = await bringHome(deps, ending);
  const open = !retrieved && failure?.details.resumable === true;
  const status: SummaryStatus = !retrieved ? "error" : ending.cancelled ? "killed" : retrieved.result.status;
  // What the summary reads from the user's repository is gathered while the machine is released.
  const local = localFacts(deps, ending.record, retrieved);
  local.catch(() => {});
  const later = await ending.beforeRelease;
  const release = released
    ? await released
    : open
      ? leaveOpen(ending)
      : await releaseMachine(
          ending,
          keepMachine({ requested: ending.keepRequested, resultsHome: !!retrieved, status }),
        );
  const summary = summarize(
    { ...ending, warnings: [...(ending.warnings ?? []), ...(later ?? [])] },
    { retrieved, failure, status, release, local: await local },
  );
  await recordEnding(deps, ending, { open, retrieved, status, release, summary });
  // Only now, with the ending recorded: a process that dies before this leaves the archive for
  // `status` to import again, the VM being gone.
  if (retrieved) await dropKeptResults(keptResultsPath(deps.store, ending.record.id));
  if (!retrieved && ending.driver === "retrieve" && failure) throw failure;
  return summary;
}

/**
 * Retrieval and integration, unless the run already failed; a failure says whether it may pass.
 * Once the results archive is here, the machine's fate depends only on the agent's outcome: a
 * machine to be deleted is released while the commits are imported (`released`), its archive kept
 * in the state directory first, so a failed import still leaves the run's work here.
 */
async function bringHome(
  deps: WorkflowDeps,
  ending: Ending,
): Promise<{ retrieved: Retrieved | null; failure: RemoteError | null; released?: Promise<ReleaseOutcome> }> {
  const { record, lease } = ending;
  let failure = ending.failure ?? null;
  let retrieved: Retrieved | null = null;
  let released: Promise<ReleaseOutcome> | undefined;
  if (!failure) {
    ending.progress?.report("retrieve", "downloading logs and new commits");
    const kept = keptResultsPath(deps.store, record.id);
    let fetched: Fetched | null = null;
    try {
      fetched = await fetchResults({ machine: lease.machine, record, kept, signal: ending.signal });
    } catch (err) {
      failure = retrievalFailure(err, record.id, ending.signal);
    }
    if (fetched) {
      ending.progress?.report("integrate", "checking the new commits and importing them");
      const status = ending.cancelled ? "killed" : fetched.result.status;
      const keep = keepMachine({ requested: ending.keepRequested, resultsHome: true, status });
      if (
        !keep &&
        (await keepResults(fetched.archive, kept)) &&
        (await noteKept(deps, record.id, kept, fetched))
      )
        released = (async () => {
          await ending.beforeRelease;
          return releaseMachine(ending, false);
        })();
      try {
        retrieved = await importResults(fetched, { record, runner: deps.runner, env: deps.env });
        ending.progress?.report("integrate", `${retrieved.branches.length} branch(es) into remote-exec/`);
      } catch (err) {
        failure = released
          ? importFailedKept(err, kept, record.id)
          : retrievalFailure(err, record.id, ending.signal);
      } finally {
        await fetched.dispose();
      }
    }
  }
  if (failure?.details.resumable === true && ending.cancelled)
    failure = stopNotReached(failure, lease.machine.name, record.id);
  return { retrieved, failure, released };
}

/**
 * Records where the archive is kept before the machine may go: if this process dies during the
 * import, the record is what leads a later `status` or `retrieve` to the work. False (so the
 * machine waits for the import, as before) when the record cannot be written.
 */
async function noteKept(deps: WorkflowDeps, runId: string, kept: string, fetched: Fetched): Promise<boolean> {
  return deps.store
    .patchRun(runId, {
      resultsKept: { path: kept, outcome: fetched.result.status, exitCode: fetched.result.exitCode },
    })
    .then(
      () => true,
      () => false,
    );
}

/** An open run keeps its machine, untouched, for `status` or `retrieve` to finish later. */
function leaveOpen({ lease, record }: Ending): ReleaseOutcome {
  return {
    deleted: false,
    kept: true,
    message: `VM ${lease.machine.name} keeps the run; follow it with \`amplihack-remote status ${record.id}\` and bring it home with \`amplihack-remote retrieve ${record.id}\`.`,
  };
}

/**
 * Keeps or releases the machine (by the one rule, keep-machine.ts), under its own bound (also
 * after a cancel). A VM an earlier ending of this run deleted is not asked for again.
 */
async function releaseMachine(ending: Ending, keep: boolean): Promise<ReleaseOutcome> {
  const { lease, record } = ending;
  if (record.vm?.deleted)
    return { deleted: true, kept: false, message: `VM ${lease.machine.name} was already deleted.` };
  ending.progress?.report("release", keep ? "keeping the machine" : "releasing the machine");
  return lease.release({ keep, signal: AbortSignal.timeout(RELEASE_BOUND_MS) }).catch((err) => ({
    deleted: false,
    kept: true,
    message: `Release failed: ${asRemoteError(err).message}. ${lease.machine.howToReach}`,
  }));
}

/** The merge advice and the agent's spend: local reads that do not depend on the release. */
async function localFacts(deps: WorkflowDeps, record: RunRecord, retrieved: Retrieved | null) {
  const [next, agentSpendUsd] = await Promise.all([
    mergeAdvice(record.repo, deps.runner, {
      branches: retrieved?.branches ?? [],
      snapshotCommit: snapshotCommitOf(record.shippedHeads),
    }),
    agentSpendFromFile(retrieved ? join(retrieved.logsDir, "agent.log") : null),
  ]);
  return { next, agentSpendUsd };
}

function summarize(
  { record, lease, warnings: earlier }: Ending,
  outcome: {
    retrieved: Retrieved | null;
    failure: RemoteError | null;
    status: SummaryStatus;
    release: ReleaseOutcome;
    local: Awaited<ReturnType<typeof localFacts>>;
  },
): RunSummary {
  const { retrieved, failure, release } = outcome;
  const machine = lease.machine;
  const warnings = [...(earlier ?? []), ...(retrieved?.warnings ?? [])];
  if (release.kept && lease.created)
    warnings.push(
      `The VM ${machine.name} is still running (and billing). Reach it with: ${machine.howToReach}`,
    );
  const branches = retrieved?.branches ?? [];
  const snapshotCommit = snapshotCommitOf(record.shippedHeads);
  return {
    runId: record.id,
    status: outcome.status,
    exitCode: retrieved?.result.exitCode ?? null,
    target: record.target,
    vm: machine.vm,
    durationSeconds: runDuration(record, retrieved),
    branches,
    tags: retrieved?.tags ?? [],
    logsDir: retrieved?.logsDir ?? null,
    agentTail: retrieved?.agentTail ?? "",
    release,
    next: outcome.local.next,
    snapshotCommit,
    warnings,
    agentSpendUsd: outcome.local.agentSpendUsd,
    agentBudgetUsd: record.maxBudgetUsd,
    error: failure ? { code: failure.code, message: failure.message, remedy: failure.remedy } : undefined,
  };
}

/** The run's final state and its summary in one record write (or, open, the run made detached). */
async function recordEnding(
  deps: WorkflowDeps,
  { record, lease, driver, keepRequested }: Ending,
  end: {
    open: boolean;
    retrieved: Retrieved | null;
    status: SummaryStatus;
    release: ReleaseOutcome;
    summary: RunSummary;
  },
): Promise<void> {
  const { retrieved, release, summary } = end;
  const error = summary.error ?? null;
  if (end.open) {
    // The run becomes (or stays) a detached one, for `status` and `retrieve` to finish from anywhere.
    if (driver === "exec")
      await deps.store.patchRun(record.id, {
        status: "running",
        detached: true,
        autoRetrieve: true,
        driverPid: null,
        keepVm: keepRequested,
        error,
      });
    return;
  }
  await deps.store.patchRun(record.id, {
    status: retrieved || driver === "exec" ? recordStatus(end.status) : record.status,
    exitCode: retrieved?.result.exitCode ?? record.exitCode,
    endedAt: record.endedAt ?? new Date().toISOString(),
    vm: record.vm
      ? { ...record.vm, deleted: record.vm.deleted || (release.deleted && lease.created) }
      : { name: lease.machine.name, created: lease.created, deleted: release.deleted },
    error,
    driverPid: null,
    summary: retrieved ? summary : null,
  });
}

/** What a failed retrieval means: interrupted by the user, worth retrying later, or final. */
function retrievalFailure(err: unknown, runId: string, signal?: AbortSignal): RemoteError {
  const e = asRemoteError(err);
  if (signal?.aborted) {
    return new RemoteError(
      "interrupted",
      "Interrupted while bringing the results home; they wait on the machine.",
      `Fetch them with \`amplihack-remote retrieve ${runId}\`.`,
      { cause: err, details: { resumable: true } },
    );
  }
  if (RETRYABLE_RETRIEVAL.includes(e.code)) {
    // The results wait on the machine: say how to bring them home, not only how to reach it.
    return new RemoteError(
      e.code,
      `Retrieving the results failed: ${e.message} The run's work waits on the machine.`,
      `${e.remedy} Then bring it home with \`amplihack-remote retrieve ${runId}\` (or let \`amplihack-remote status ${runId}\` do it).`,
      { cause: err, details: { resumable: true } },
    );
  }
  return e;
}

/** A cancel whose stop never reached the machine: the agent may be running on; nothing was killed. */
function stopNotReached(failure: RemoteError, vm: string, runId: string): RemoteError {
  return new RemoteError(
    "interrupted",
    `Interrupted, but the stop did not reach ${vm}: the run may still be going on there. (${failure.message})`,
    `Check it with \`amplihack-remote status ${runId}\`; stop it with \`amplihack-remote kill ${runId}\`; fetch its work with \`amplihack-remote retrieve ${runId}\`.`,
    { cause: failure, details: { resumable: true } },
  );
}

const recordStatus = (s: SummaryStatus): RunStatus => (s === "setup-failed" ? "failed" : s);

/**
 * From the run's creation here to its end: the end the machine wrote in its result when the
 * results came home (a detached run may be retrieved hours later), else now.
 */
function runDuration(record: RunRecord, retrieved: Retrieved | null): number {
  const endMs = retrieved ? retrieved.result.endedAt * 1000 : Date.now();
  return Math.max(0, (endMs - Date.parse(record.createdAt)) / 1000);
}
