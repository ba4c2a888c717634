/**
 * A finished run is brought home by one process at a time: `status` in two terminals, the MCP
 * server and a launch worker freeing VMs for its queue may all see the same run finished. The
 * claim is a pid in the run record, taken under the state lock; a claim whose process is gone is
 * free again, and within one process a set keeps concurrent callers apart (they share the pid).
 */
import type { StateStore } from "../../state/store.js";
import { RemoteError } from "../../util/errors.js";
import { driverAlive } from "./refresh-run.js";

const mine = new Set<string>();

export async function withRetrievalClaim<T>(
  store: StateStore,
  runId: string,
  work: () => Promise<T>,
): Promise<T> {
  const key = `${store.file}\0${runId}`;
  // Reserved in memory first (synchronously), so a failed state write never leaves it reserved.
  let holder: number | null = mine.has(key) ? process.pid : null;
  if (holder === null) {
    mine.add(key);
    try {
      holder = await store.update((state) => {
        const r = state.runs[runId];
        if (!r) return null;
        // Our own pid here is a claim this process failed to clear: the set above says it is free.
        if (r.retrievingPid && r.retrievingPid !== process.pid && driverAlive(r.retrievingPid)) {
          return r.retrievingPid;
        }
        r.retrievingPid = process.pid;
        return null;
      });
    } catch (err) {
      mine.delete(key);
      throw err;
    }
    if (holder !== null) mine.delete(key);
  }
  if (holder !== null) {
    throw new RemoteError(
      "usage",
      `Run ${runId} is being brought home by process ${holder} right now.`,
      `Look again in a moment: \`amplihack-remote status ${runId}\`.`,
    );
  }
  try {
    return await work();
  } finally {
    mine.delete(key);
    await store
      .update((state) => {
        const r = state.runs[runId];
        if (r?.retrievingPid === process.pid) r.retrievingPid = null;
      })
      .catch(() => {});
  }
}
