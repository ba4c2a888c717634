/**
 * `exec`: the synchronous path, start + follow + retrieve + release, with the guarantees that
 * matter when things go wrong: on cancel the agent is stopped and its work still comes home;
 * release runs in `finally` under its own time bound; a VM is kept (and we say how to reach it)
 * whenever deleting it could lose work.
 */
import { rm } from "node:fs/promises";
import { timeoutSeconds } from "../../package/build-context.js";
import { killCommand } from "../../remote/protocol.js";
import type { RunStatus } from "../../state/run-record.js";
import type { ReleaseOutcome } from "../../targets/types.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import { describeIssues, type RunOptions, type RunOptionsInput, runOptionsSchema } from "../options.js";
import { createProgress } from "../progress.js";
import type { WorkflowDeps } from "./deps.js";
import { followRun } from "./follow-run.js";
import { type Retrieved, retrieveRun } from "./retrieve-run.js";
import { startRun } from "./start-run.js";
import { mergeHints, type RunSummary, snapshotCommitOf } from "./summary.js";

const RELEASE_BOUND_MS = 10 * 60_000;
/** Retrieval failures worth retrying later from the same machine (the results wait there). */
const RETRYABLE_RETRIEVAL = [
  "azlin-ssh",
  "azlin-timeout",
  "azlin-failed",
  "transfer-failed",
  "remote-failed",
];
const STOP_WAIT_MS = 120_000;

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
  const t0 = Date.now();
  const started = await startRun(deps, options, progress, signal).catch((err) => {
    throw signal?.aborted ? interrupted(err) : err;
  });
  const { lease, record } = started;
  const machine = lease.machine;
  const warnings: string[] = [...started.validated.facts.warnings];
  if (started.pkg.wip.fallbackIdentity)
    warnings.push(
      "git has no user.name/user.email here: the snapshot of your uncommitted work was committed as amplihack-remote <amplihack-remote@localhost>. Set yours with `git config --global user.name ...` and `git config --global user.email ...`.",
    );
  let keep = options.keepVm;
  let retrieved: Retrieved | null = null;
  let failure: RemoteError | null = null;
  let cancelled = false;
  let release: ReleaseOutcome | null = null;
  let handedOff = false;

  try {
    try {
      await followRun(machine, record.id, progress, {
        pollSeconds: deps.pollSeconds ?? (options.target === "local" ? 1 : 10),
        deadlineMs: (timeoutSeconds(options, deps.env) + 20 * 60) * 1000,
        signal,
      });
    } catch (err) {
      if (!signal?.aborted) throw err;
      cancelled = true;
      progress.report("execute", "cancelled: stopping the agent and collecting what it made");
      await stopAndWait(deps, machine, record.id, progress);
    }
    progress.report("retrieve", "downloading logs and new commits");
    try {
      // After a cancel the user's signal has fired already: retrieval then runs on its own.
      retrieved = await retrieveRun({
        machine,
        record,
        runner: deps.runner,
        env: deps.env,
        signal: cancelled ? undefined : signal,
      });
    } catch (err) {
      keep = true; // the commits exist only on the machine now: never delete it
      const e = asRemoteError(err);
      if (signal?.aborted && !cancelled) {
        throw new RemoteError(
          "interrupted",
          "Interrupted while bringing the results home; they wait on the machine.",
          `Fetch them with \`amplihack-remote retrieve ${record.id}\`.`,
          { cause: err, details: { resumable: true } },
        );
      }
      if (RETRYABLE_RETRIEVAL.includes(e.code)) {
        throw new RemoteError(e.code, `Retrieving the results failed: ${e.message}`, e.remedy, {
          cause: err,
          details: { resumable: true },
        });
      }
      throw err;
    }
    progress.report("integrate", `${retrieved.branches.length} branch(es) into remote-exec/`);
    warnings.push(...retrieved.warnings);
    if (retrieved.result.status !== "succeeded") keep = keep || lease.created;
  } catch (err) {
    failure = asRemoteError(err);
    if (failure.code !== "usage") keep = true;
    // Contact lost while the run goes on, or results not fetched yet: the run becomes a detached
    // one, still holding its VM and slot, for `status` and `retrieve` to finish from anywhere.
    handedOff = failure.details.resumable === true;
    if (handedOff && cancelled) {
      // The stop never reached the machine: the agent may be running on; nothing was killed.
      failure = new RemoteError(
        "interrupted",
        `Interrupted, but the stop did not reach ${machine.name}: the run may still be going on there. (${failure.message})`,
        `Check it with \`amplihack-remote status ${record.id}\`; stop it with \`amplihack-remote kill ${record.id}\`; fetch its work with \`amplihack-remote retrieve ${record.id}\`.`,
        { cause: failure, details: { resumable: true } },
      );
    }
  } finally {
    if (handedOff) {
      release = {
        deleted: false,
        kept: true,
        message: `VM ${machine.name} keeps the run; follow it with \`amplihack-remote status ${record.id}\` and bring it home with \`amplihack-remote retrieve ${record.id}\`.`,
      };
    } else {
      progress.report("release", keep ? "keeping the machine" : "releasing the machine");
      release = await lease.release({ keep, signal: AbortSignal.timeout(RELEASE_BOUND_MS) }).catch((err) => ({
        deleted: false,
        kept: true,
        message: `Release failed: ${asRemoteError(err).message}. ${machine.howToReach}`,
      }));
    }
    if (release.kept && lease.created)
      warnings.push(
        `The VM ${machine.name} is still running (and billing). Reach it with: ${machine.howToReach}`,
      );
    await rm(started.pkg.dir, { recursive: true, force: true });
  }

  const remoteStatus = retrieved?.result.status;
  const status: RunSummary["status"] = handedOff
    ? "error"
    : cancelled
      ? "killed"
      : failure
        ? "error"
        : (remoteStatus ?? "error");
  const recordStatus: RunStatus = status === "setup-failed" ? "failed" : status;
  if (handedOff) {
    await deps.store.patchRun(record.id, {
      status: "running",
      detached: true,
      autoRetrieve: true,
      driverPid: null,
      keepVm: options.keepVm,
      error: failure ? { code: failure.code, message: failure.message, remedy: failure.remedy } : null,
    });
  } else
    await deps.store.patchRun(record.id, {
      status: recordStatus,
      exitCode: retrieved?.result.exitCode ?? null,
      endedAt: new Date().toISOString(),
      retrieved: retrieved !== null,
      resultRefs: retrieved?.branches.map((b) => b.runRef) ?? [],
      logsDir: retrieved?.logsDir ?? null,
      vm: { name: machine.name, created: lease.created, deleted: release?.deleted ?? false },
      error: failure ? { code: failure.code, message: failure.message, remedy: failure.remedy } : null,
      driverPid: null,
    });

  const branches = retrieved?.branches ?? [];
  return {
    runId: record.id,
    status,
    exitCode: retrieved?.result.exitCode ?? null,
    target: options.target,
    vm: options.target === "local" ? null : machine.name,
    durationSeconds: (Date.now() - t0) / 1000,
    branches,
    tags: retrieved?.tags ?? [],
    logsDir: retrieved?.logsDir ?? null,
    agentTail: retrieved?.agentTail ?? "",
    release,
    next: mergeHints(branches),
    snapshotCommit: snapshotCommitOf(started.pkg.manifest.heads),
    warnings,
    error: failure ? { code: failure.code, message: failure.message, remedy: failure.remedy } : undefined,
  };
}

/** Stops the agent's process group on the machine and waits (bounded) for the runner to pack up. */
async function stopAndWait(
  deps: WorkflowDeps,
  machine: import("../../targets/types.js").Machine,
  runId: string,
  progress: ReturnType<typeof createProgress>,
) {
  const bound = AbortSignal.timeout(STOP_WAIT_MS);
  await machine.exec(killCommand(runId), { signal: bound }).catch(() => {});
  await followRun(machine, runId, progress, {
    pollSeconds: deps.pollSeconds ?? 1,
    deadlineMs: STOP_WAIT_MS,
    signal: bound,
  }).catch(() => {});
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
