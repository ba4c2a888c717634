/**
 * `kill` of a queued run: it leaves the queue (the runs behind it move up) and ends `killed`; a
 * worker waiting on it sees that at its next look and stops. When no run of its launch job is left
 * to launch and no worker holds the job, the job file and its package go too.
 */
import type { RunRecord } from "../../state/run-record.js";
import type { StateStore } from "../../state/store.js";
import { jobStillNeeded } from "../launch/claim-runs.js";
import { dropJob } from "../launch/job.js";
import { driverAlive } from "../runs/refresh-run.js";
import { endQueued } from "./queue-book.js";
import { wakeQueue } from "./wake.js";

/** The killed record, or null when the run is no longer queued (it got a VM meanwhile). */
export async function leaveQueue(store: StateStore, runId: string): Promise<RunRecord | null> {
  const left = await store.update((state) => {
    const r = state.runs[runId];
    if (r?.status !== "queued") return null;
    endQueued(state, r, "killed", {
      message: "Killed while queued for a VM; it never started.",
      remedy: "Start it again if you still want it.",
    });
    return { ...r };
  });
  wakeQueue();
  if (left?.launchJob && !driverAlive(left.driverPid)) {
    const siblings = Object.values((await store.read()).runs)
      .filter((r) => r.launchJob === left.launchJob)
      .map((r) => r.id);
    if (!(await jobStillNeeded(store, siblings))) await dropJob(left.launchJob);
  }
  return left;
}
