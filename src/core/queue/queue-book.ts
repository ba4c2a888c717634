/**
 * The queue as it lives in the state file: pure functions over the state, called inside the
 * store's lock (StateStore.update) so every process sees one order and one count of VMs in use.
 */
import { FINISHED, type QueueInfo, type RunRecord } from "../../state/run-record.js";
import type { StateData } from "../../state/store.js";

/** A run holds its VM until its results are home (or it ended before starting). */
export function holdsVm(r: RunRecord): boolean {
  if (r.target === "local" || !r.vm || r.vm.deleted) return false;
  return !FINISHED.includes(r.status) || (r.startedAt !== null && r.summary === null);
}

/** VMs our runs hold, plus one for each run admitted to get one and holding none yet. */
export function vmsInUse(state: StateData, except?: string): number {
  const runs = Object.values(state.runs).filter((r) => r.id !== except);
  const held = new Set(runs.filter(holdsVm).map((r) => r.vm?.name));
  const acquiring = runs.filter((r) => r.acquiring && !holdsVm(r) && !FINISHED.includes(r.status)).length;
  return held.size + acquiring;
}

/** Queued runs, oldest first. */
export function queuedInOrder(state: StateData): RunRecord[] {
  return Object.values(state.runs)
    .filter((r) => r.status === "queued" && r.queue)
    .sort(
      (a, b) =>
        (a.queue?.since ?? "").localeCompare(b.queue?.since ?? "") || a.createdAt.localeCompare(b.createdAt),
    );
}

/** Gives every queued run its place in line (1 is next). */
export function renumber(state: StateData): void {
  queuedInOrder(state).forEach((r, i) => {
    if (r.queue) r.queue.position = i + 1;
  });
}

/** Puts a run in the queue (or updates why it waits), keeping the time it first queued. */
export function enqueue(
  state: StateData,
  runId: string,
  why: Pick<QueueInfo, "waitingFor" | "reason"> & { since?: string; lastTry?: QueueInfo["lastTry"] },
): RunRecord | undefined {
  const r = state.runs[runId];
  if (!r) return undefined;
  const now = new Date().toISOString();
  r.status = "queued";
  r.phase = null;
  r.acquiring = false;
  r.queue = {
    since: why.since ?? r.queue?.since ?? now,
    position: 0,
    waitingFor: why.waitingFor,
    reason: why.reason,
    lastTry: why.lastTry ?? r.queue?.lastTry ?? null,
  };
  r.updatedAt = now;
  renumber(state);
  return r;
}

/** Takes a run out of the queue (it got a VM, failed, or was killed). */
export function dequeue(state: StateData, runId: string): void {
  const r = state.runs[runId];
  if (!r) return;
  r.queue = null;
  r.acquiring = false;
  renumber(state);
}

/** Takes a run out of the line for good: it ends with `status` and says why (it never started). */
export function endQueued(
  state: StateData,
  r: RunRecord,
  status: "killed" | "error",
  error: { message: string; remedy: string },
): void {
  dequeue(state, r.id);
  r.status = status;
  r.endedAt = r.updatedAt = new Date().toISOString();
  r.error = { code: "interrupted", ...error };
}

/** How many runs wait in the queue (cleanup says so before deleting a VM they could use). */
export async function queuedRunCount(store: { read(): Promise<StateData> }): Promise<number> {
  return queuedInOrder(await store.read()).length;
}
