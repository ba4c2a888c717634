/**
 * Which runs of a job a launch worker takes on. The first worker of a batch takes the runs its
 * starter holds; a worker started to resume a queue (src/core/queue/advance-queue.ts) takes those
 * the process that started it claimed for it. Taken under the state lock, so a run is never driven
 * by two workers: a run already running or finished, or held by another live process, is left.
 */
import type { StateStore } from "../../state/store.js";
import { driverAlive } from "../runs/refresh-run.js";

export async function claimRuns(
  store: StateStore,
  runIds: string[],
  jobFile: string,
  spawnerPid: number | null,
): Promise<string[]> {
  return store.update((state) => {
    const claimed: string[] = [];
    for (const id of runIds) {
      const r = state.runs[id];
      if (!r || (r.status !== "pending" && r.status !== "queued")) continue;
      const free = r.driverPid === null || r.driverPid === process.pid || r.driverPid === spawnerPid;
      if (!free && driverAlive(r.driverPid)) continue;
      r.driverPid = process.pid;
      r.launchJob = jobFile;
      r.updatedAt = new Date().toISOString();
      claimed.push(id);
    }
    return claimed;
  });
}

/** True while a run of the job may still be launched from it (pending or queued). */
export async function jobStillNeeded(store: StateStore, runIds: string[]): Promise<boolean> {
  const { runs } = await store.read();
  return runIds.some((id) => runs[id]?.status === "pending" || runs[id]?.status === "queued");
}
