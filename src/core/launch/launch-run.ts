/**
 * The slow half of a start: acquire a machine, deliver the package, start the agent. Each step is
 * written to the run record as its launch phase, so `status` shows where a detached start stands;
 * the VM name is recorded before the VM is created, so nothing this process dies holding is lost.
 * A start that fails gives its machine back (deleting it only if this run made it) and says so.
 */
import pRetry, { AbortError } from "p-retry";
import type { Git } from "../../git/git.js";
import { dropWipRef } from "../../git/wip-snapshot.js";
import { describeStartFailure, START_EXIT, startScript } from "../../remote/protocol.js";
import { runFilesLine } from "../../remote/run-files.js";
import type { LaunchPhase, RunRecord } from "../../state/run-record.js";
import type { ExecResult, Lease, Machine, Target } from "../../targets/types.js";
import { forwardedValues } from "../../util/credentials.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import type { Progress } from "../progress.js";
import { acquireOrQueue } from "../queue/acquire-or-queue.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import type { PreparedRun } from "../workflow/prepare-run.js";
import { firstLine } from "../workflow/prepare-run.js";
import type { SharedUploads } from "./shared-upload.js";

/** Uploads of the package per run before a damaged copy is an error. */
const UPLOAD_ATTEMPTS = 3;
/** A confirmation going on beside the follow ends by this bound (azlin's own az calls die at 120 s). */
const CONFIRM_BOUND_MS = 5 * 60_000;

export interface LaunchedRun {
  record: RunRecord;
  lease: Lease;
  /**
   * With a start connection: the lease's deferred confirmation (a new VM's ownership tags), going
   * on while the run is followed; settles to its error or null, never rejects. The caller decides
   * what a failure means once the run has started.
   */
  confirmed?: Promise<RemoteError | null>;
}

/**
 * How a run's start script is run. Alone, one connection of its own that ends with the start; a
 * batch's runs sharing a machine start in one connection (start-together.ts); `exec`'s start goes
 * on to follow the run (core/workflow/start-then-follow.ts): with `watchArgs`, the start script
 * continues as the run's watcher, and `start` settles once the run has started.
 */
export interface StartConnection {
  /** watch.sh's arguments for this machine (protocol.ts startScript); only a followed start has it. */
  watchArgs?(machine: Machine): string;
  start(
    machine: Machine,
    runId: string,
    script: string,
    options: { input: string; signal?: AbortSignal; timeoutMs: number },
  ): Promise<ExecResult>;
}

/** A start in a connection of its own. */
export const startAlone: StartConnection = {
  start: (machine, _runId, script, options) => machine.exec(script, options),
};

export interface LaunchInput {
  run: PreparedRun;
  target: Target;
  uploads: SharedUploads;
  /** The user's repository (for the legacy pin clean-up on failure). */
  repoGit: Git;
  /** Absent: the start runs alone, in a connection that ends with it. */
  startConnection?: StartConnection;
}

export async function launchRun(
  deps: WorkflowDeps,
  input: LaunchInput,
  progress: Progress,
  signal?: AbortSignal,
): Promise<LaunchedRun> {
  const { run, target, uploads } = input;
  const connection = input.startConnection ?? startAlone;
  const { runId, options } = run;
  const phase = (p: LaunchPhase) => deps.store.patchRun(runId, { phase: p });
  let lease: Lease | undefined;
  let confirmed: Promise<RemoteError | null> | undefined;
  try {
    await phase("acquiring");
    progress.report("acquire", `finding or preparing a machine (${target.name})`);
    // Without a VM to be had (quota, --max-vms) the run waits here, queued (src/core/queue/).
    lease = await acquireOrQueue(
      deps,
      target,
      {
        runId,
        options,
        signal,
        // The cache probe of a reused machine rides on the claim's connection (shared-upload.ts).
        probe: uploads.probe,
        onVmKnown: async (vm) => {
          await deps.store.patchRun(runId, { vm: { name: vm.name, created: vm.created, deleted: false } });
        },
        onProgress: (m) => progress.report("acquire", m),
      },
      { progress, maxVms: options.maxVms },
    );
    const machine = lease.machine;
    await deps.store.patchRun(runId, {
      vm: { name: machine.name, created: lease.created, deleted: false },
      phase: "uploading",
    });
    const argv = [await uploads.packagedArgv0(), ...run.argv.slice(1)];
    const credentials = forwardedValues(deps.env, options.forwardEnv);
    const input = runFilesLine(runId, argv) + credentials.map((c) => `${c.name}=${c.value}\n`).join("");
    // The start script checks the upload's sha256 (one connection for check and start); a copy
    // damaged in transit is sent again.
    for (let attempt = 1; ; attempt++) {
      const uploaded = await uploads.deliver(lease, runId, progress, signal, attempt > 1);
      await phase("starting");
      progress.report("execute", "verifying the upload and starting the agent");
      const watch = connection.watchArgs?.(machine);
      const followed = watch !== undefined;
      const start = startScript(runId, uploaded.sha256, lease.deferredClaim?.script, watch);
      const script = uploaded.prelude ? `${uploaded.prelude}\n${start}` : start;
      const how = { input, signal, timeoutMs: 5 * 60_000 };
      const started = await startOnce(() => connection.start(machine, runId, script, how));
      if (started.exitCode === 0) {
        // Followed at once, the run need not wait for the tags: they go on beside the follow, and
        // past a cancel (the VM stays up until it is released, and should say whose it is).
        const confirming = lease.deferredClaim?.confirm(
          followed ? AbortSignal.timeout(CONFIRM_BOUND_MS) : signal,
        );
        if (followed) confirmed = confirming?.then(() => null, asRemoteError);
        else await confirming;
        break;
      }
      if (started.exitCode === START_EXIT.checksumMismatch && attempt < UPLOAD_ATTEMPTS) continue;
      const { why, remedy } = describeStartFailure(started.exitCode, started.stderr, machine.howToReach);
      throw new RemoteError("remote-failed", `Could not start the run on ${machine.name}: ${why}`, remedy);
    }
    const record = await deps.store.patchRun(runId, {
      status: "running",
      phase: null,
      startedAt: new Date().toISOString(),
    });
    return { record, lease, confirmed };
  } catch (err) {
    throw await recordFailure(deps, runId, err, lease, options.keepVm, input);
  }
}

/**
 * The start's connection, retried when ssh itself fails (a VM that has just answered azlin's
 * readiness checks often refuses its first ssh): the start script never launches a run twice.
 */
function startOnce<T>(attempt: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (err) {
        if (asRemoteError(err).code !== "azlin-ssh") throw new AbortError(err as Error);
        throw err;
      }
    },
    { retries: 2, minTimeout: 1_000, randomize: false },
  );
}

/** Marks the run failed, gives back its machine, and returns the error completed with the machine's fate. */
async function recordFailure(
  deps: WorkflowDeps,
  runId: string,
  err: unknown,
  lease: Lease | undefined,
  keepVm: boolean,
  input: LaunchInput,
): Promise<RemoteError> {
  const e = err instanceof RemoteError ? err : null;
  // A failed acquire says what became of the VM it named: never made, or made and deleted.
  const gone = e?.details.vm && (e.details.vmExists === false || e.details.vmDeleted === true);
  await deps.store.update((state) => {
    const r = state.runs[runId];
    // Killed while queued, or stopped while waiting in the queue: that says all, keep it.
    if (!r || r.status === "killed" || r.status === "queued") return;
    r.status = "error";
    r.phase = null;
    r.endedAt = r.updatedAt = new Date().toISOString();
    r.error = e ? { code: e.code, message: firstLine(e.message), remedy: e.remedy } : null;
    if (gone && r.vm && r.vm.name === e?.details.vm) r.vm = { ...r.vm, deleted: true };
  });
  let thrown = asRemoteError(err);
  if (lease) {
    const name = lease.machine.name;
    const outcome = await lease
      .release({ keep: keepVm })
      .catch((releaseErr) => ({ deleted: false, kept: false, message: asRemoteError(releaseErr).message }));
    if (outcome.deleted && lease.created) {
      await deps.store.patchRun(runId, { vm: { name, created: true, deleted: true } });
    }
    thrown = withMachineFate(thrown, name, lease.created, outcome);
  }
  await dropWipRef(input.repoGit, runId);
  return thrown;
}

/** The start error, completed with what happened to the machine this run held. */
function withMachineFate(
  e: RemoteError,
  vm: string,
  created: boolean,
  outcome: { deleted: boolean; kept: boolean; message: string },
): RemoteError {
  if (vm === "local") return e;
  const note = outcome.deleted
    ? `The VM ${vm} this run created was deleted.`
    : created && !outcome.kept
      ? `The VM ${vm} this run created could not be deleted and may still be billing: ${outcome.message}`
      : outcome.message;
  const remedy = outcome.deleted
    ? "Run the command again to retry (a new VM will be used); nothing is left behind."
    : created && !outcome.kept
      ? `Delete it with \`amplihack-remote cleanup ${vm}\`, then run the command again.`
      : e.remedy;
  return new RemoteError(e.code, `${e.message}\n${note}`, remedy, {
    cause: e,
    details: { ...e.details, vm, vmDeleted: outcome.deleted },
  });
}
