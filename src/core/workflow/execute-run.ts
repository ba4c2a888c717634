/**
 * `exec`: the synchronous path, start + follow, then the one ending every run has
 * (core/finish/finish-run.ts). On cancel the agent is stopped and its work still comes home;
 * whatever happens while following, the run is finished (or handed off) and its machine released
 * under its own time bound.
 */
import { rm } from "node:fs/promises";
import { timeoutSeconds } from "../../package/build-context.js";
import { killScript } from "../../remote/protocol.js";
import type { RunSummary } from "../../state/run-summary.js";
import type { Machine } from "../../targets/types.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import { finishRun } from "../finish/finish-run.js";
import { describeIssues, type RunOptions, type RunOptionsInput, runOptionsSchema } from "../options.js";
import { createProgress, type Progress } from "../progress.js";
import { newRunId } from "../run-id.js";
import type { WorkflowDeps } from "./deps.js";
import { followRun, followWatch } from "./follow-run.js";
import { type StartedRun, startRun } from "./start-run.js";
import { StartThenFollow } from "./start-then-follow.js";

const STOP_WAIT_MS = 120_000;
/** azlin's own az calls die at 120 s. */
const TAG_RETRY_BOUND_MS = 3 * 60_000;

export function parseRunOptions(input: RunOptionsInput): RunOptions {
  const parsed = runOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new RemoteError(
      "usage",
      describeIssues(parsed.error),
      "Fix the option and run again; nothing was started.",
    );
  }
  return parsed.data;
}

export async function executeRun(
  deps: WorkflowDeps,
  input: RunOptionsInput,
  signal?: AbortSignal,
): Promise<RunSummary> {
  const options = parseRunOptions(input);
  const progress = createProgress(deps.onProgress);
  // One connection starts the run and follows it (each connection costs seconds on a VM).
  const follow = new StartThenFollow(followWatch({ resultsMaxBytes: deps.streamResultsMaxBytes }));
  const started = await startRun(deps, options, progress, signal, newRunId(), follow).catch((err) => {
    throw signal?.aborted ? interrupted(err) : err;
  });
  const { lease, record } = started;
  try {
    const followed = await followToEnd(deps, started, options, progress, signal);
    // After a cancel the user's signal has fired already: retrieval then runs on its own.
    return await finishRun(deps, {
      record,
      lease,
      driver: "exec",
      cancelled: followed.cancelled,
      failure: followed.failure,
      keepRequested: options.keepVm,
      warnings: startWarnings(started),
      // The tags go on during the retrieval; they settle before the VM may be deleted.
      beforeRelease: tagged(started).then((e) => (e ? [untaggedWarning(lease.machine.name, e)] : [])),
      signal: followed.cancelled ? undefined : signal,
      progress,
    });
  } finally {
    await rm(started.pkg.dir, { recursive: true, force: true });
  }
}

/** Follows the agent to its end; on cancel, stops it and waits (bounded) for its work to be packed. */
export async function followToEnd(
  deps: WorkflowDeps,
  started: StartedRun,
  options: RunOptions,
  progress: Progress,
  signal?: AbortSignal,
): Promise<{ cancelled: boolean; failure: RemoteError | null }> {
  const machine = started.lease.machine;
  const runId = started.record.id;
  try {
    await followRun(machine, runId, progress, {
      pollSeconds: deps.pollSeconds ?? started.validated.target.pollSeconds,
      deadlineMs: (timeoutSeconds(options, deps.env) + 20 * 60) * 1000,
      signal,
      resultsMaxBytes: deps.streamResultsMaxBytes,
      opened: started.opened,
    });
    return { cancelled: false, failure: null };
  } catch (err) {
    if (!signal?.aborted) return { cancelled: false, failure: asRemoteError(err) };
    progress.report("execute", "cancelled: stopping the agent and collecting what it made");
    await stopAndWait(deps, machine, runId, progress);
    return { cancelled: true, failure: null };
  }
}

/** Stops the agent's process group on the machine and waits (bounded) for the runner to pack up. */
async function stopAndWait(deps: WorkflowDeps, machine: Machine, runId: string, progress: Progress) {
  const bound = AbortSignal.timeout(STOP_WAIT_MS);
  await machine.exec(killScript(runId), { signal: bound }).catch(() => {});
  await followRun(machine, runId, progress, {
    pollSeconds: deps.pollSeconds ?? 1,
    deadlineMs: STOP_WAIT_MS,
    signal: bound,
    resultsMaxBytes: deps.streamResultsMaxBytes,
  }).catch(() => {});
}

/**
 * The outcome of a new VM's tags, added beside the follow: a failure is tried once more when the
 * run has ended (before the VM may be kept), so a kept VM says whose it is whenever azlin lets it.
 */
async function tagged(started: StartedRun): Promise<RemoteError | null> {
  const failed = await started.confirmed;
  const claim = started.lease.deferredClaim;
  if (!failed || !claim) return failed ?? null;
  return claim.confirm(AbortSignal.timeout(TAG_RETRY_BOUND_MS)).then(() => null, asRemoteError);
}

/**
 * The tags of a new VM failed once its run had started, and again at its end. The run goes on: the VM is in this
 * laptop's state and released (deleted unless kept) like any other; untagged, no other laptop
 * reuses it or counts it as ours, and this laptop's `cleanup` still finds it by name and record.
 */
function untaggedWarning(vm: string, error: RemoteError): string {
  return `VM ${vm} could not be tagged as ours (${error.message.split("\n")[0]}); it is recorded here and released as usual, but it will not be reused, and only this machine's \`amplihack-remote cleanup\` knows it is ours.`;
}

function interrupted(err: unknown): RemoteError {
  if (err instanceof RemoteError && err.code !== "internal") return err;
  return new RemoteError(
    "interrupted",
    "Interrupted before the agent started; nothing is left running.",
    "Run the command again when ready.",
    { cause: err },
  );
}

/** What the start noticed that the user should read in the summary. */
export function startWarnings(started: Pick<StartedRun, "validated" | "pkg">): string[] {
  const warnings = [...started.validated.facts.warnings];
  if (started.pkg.wip.fallbackIdentity)
    warnings.push(
      "git has no user.name/user.email here: the snapshot of your uncommitted work was committed as amplihack-remote <amplihack-remote@localhost>. Set yours with `git config --global user.name ...` and `git config --global user.email ...`.",
    );
  return warnings;
}
