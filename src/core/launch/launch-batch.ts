/**
 * Launches every run of a prepared batch: in parallel, sharing VMs by capacity (core/pool.ts), one
 * upload per machine, and one start connection for the runs that took a machine together
 * (start-together.ts). Each run that starts is marked detached, so `status` follows it from the
 * state file alone; each that fails says why in its record. The package is removed at the end,
 * unless a run still waits in the queue for a VM.
 */
import { rm } from "node:fs/promises";
import type { Git } from "../../git/git.js";
import { asRemoteError } from "../../util/errors.js";
import type { TargetName } from "../options.js";
import { type PoolingTarget, poolingTarget } from "../pool.js";
import type { Progress } from "../progress.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import type { PreparedRun } from "../workflow/prepare-run.js";
import { jobStillNeeded } from "./claim-runs.js";
import { launchRun } from "./launch-run.js";
import { type Shipment, sharedUploads } from "./shared-upload.js";
import { type StartsTogether, startsTogether } from "./start-together.js";

export interface LaunchBatch {
  runs: PreparedRun[];
  pkg: Shipment;
  repoGit: Git;
  autoRetrieve: boolean;
}

export interface LaunchOutcome {
  runId: string;
  vm: string | null;
  error?: { code: string; message: string; remedy: string };
}

export async function launchBatch(
  deps: WorkflowDeps,
  batch: LaunchBatch,
  progress: Progress,
  signal?: AbortSignal,
): Promise<LaunchOutcome[]> {
  // One pooling wrapper per target for the whole batch, so its runs share VMs by capacity.
  const pooled = new Map<TargetName, { target: PoolingTarget; starts: StartsTogether }>();
  const targetFor = (name: TargetName) => {
    let t = pooled.get(name);
    if (!t) {
      const target = poolingTarget(deps.target(name));
      t = { target, starts: startsTogether((vm) => target.startGroup(vm)) };
      pooled.set(name, t);
    }
    return t;
  };
  const uploads = sharedUploads(batch.pkg, batch.repoGit);
  try {
    return await Promise.all(
      batch.runs.map(async (run): Promise<LaunchOutcome> => {
        const { target, starts } = targetFor(run.options.target);
        try {
          const { lease } = await launchRun(
            deps,
            { run, target, uploads, repoGit: batch.repoGit, startConnection: starts },
            progress,
            signal,
          ).catch((err) => {
            starts.withdraw(run.runId); // the others of its machine do not wait for its start
            throw err;
          });
          await deps.store.patchRun(run.runId, {
            detached: true,
            driverPid: null,
            autoRetrieve: batch.autoRetrieve,
          });
          return { runId: run.runId, vm: lease.machine.name };
        } catch (err) {
          const e = asRemoteError(err);
          await deps.store.patchRun(run.runId, { driverPid: null }).catch(() => {});
          return {
            runId: run.runId,
            vm: null,
            error: { code: e.code, message: e.message, remedy: e.remedy },
          };
        }
      }),
    );
  } finally {
    // A run left queued (the launch was stopped while it waited for a VM) still needs the package.
    if (
      !(await jobStillNeeded(
        deps.store,
        batch.runs.map((r) => r.runId),
      ).catch(() => false))
    )
      await rm(batch.pkg.dir, { recursive: true, force: true });
  }
}
