/**
 * Keeps the queue moving when the process that filled it is gone: any of our processes (`status`,
 * the MCP server's remote_status, another launch worker) finds the queued runs whose launch worker
 * died, claims them under the state lock (so exactly one process adopts each) and starts a new
 * launch worker on their job file, which waits for a VM and launches them. A queued run that can
 * no longer be launched (its job file is gone) fails with a remedy instead of waiting forever.
 */
import { existsSync } from "node:fs";
import type { StateData } from "../../state/store.js";
import { asRemoteError } from "../../util/errors.js";
import { driverAlive } from "../runs/refresh-run.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { endQueued, queuedInOrder } from "./queue-book.js";

export interface QueueAdvance {
  /** Runs handed to a new launch worker by this call. */
  adopted: string[];
  /** Runs still queued with no live process of ours to move them (no launcher here). */
  idle: number;
  /** Why a worker could not be started here, if so. */
  problem: string | null;
}

/** Orphans of the queue: queued, with no live launch worker. */
const orphans = (state: StateData) => queuedInOrder(state).filter((r) => !driverAlive(r.driverPid));

export async function advanceQueue(deps: WorkflowDeps): Promise<QueueAdvance> {
  const none = { adopted: [], idle: 0, problem: null };
  if (orphans(await deps.store.read()).length === 0) return none;
  try {
    const adopted = await adoptOrphans(deps);
    return { adopted, idle: orphans(await deps.store.read()).length, problem: null };
  } catch (err) {
    const e = asRemoteError(err);
    return {
      adopted: [],
      idle: orphans(await deps.store.read()).length,
      problem: `${e.message} ${e.remedy}`,
    };
  }
}

/** Claims the orphans (this process becomes their driver) and starts one worker per job file. */
export async function adoptOrphans(deps: WorkflowDeps): Promise<string[]> {
  const launcher = deps.launcher;
  if (!launcher) return [];
  const byJob = await deps.store.update((state) => {
    const jobs = new Map<string, { repo: string; runs: string[] }>();
    for (const r of orphans(state)) {
      if (!r.launchJob || !existsSync(r.launchJob)) {
        endQueued(state, r, "error", {
          message: "This queued run's launch job (its package) is gone, so it can no longer start.",
          remedy: "Start the task again.",
        });
        continue;
      }
      r.driverPid = process.pid;
      const job = jobs.get(r.launchJob) ?? { repo: r.repo, runs: [] };
      job.runs.push(r.id);
      jobs.set(r.launchJob, job);
    }
    return jobs;
  });
  const adopted: string[] = [];
  for (const [jobFile, { repo, runs }] of byJob) {
    try {
      const worker = await launcher.resume(jobFile, repo);
      await deps.store.update((state) => {
        for (const id of runs) {
          const r = state.runs[id];
          // The worker may already have claimed it; otherwise it is its to claim.
          if (r?.status === "queued" && r.driverPid === process.pid) r.driverPid = worker.pid;
        }
      });
      adopted.push(...runs);
    } catch (err) {
      // Let go, so another process may try; the error says why this one could not.
      await deps.store.update((state) => {
        for (const id of runs) if (state.runs[id]?.driverPid === process.pid) state.runs[id].driverPid = null;
      });
      throw err;
    }
  }
  return adopted;
}
