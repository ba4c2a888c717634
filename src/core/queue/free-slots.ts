/**
 * Frees what our finished runs hold: a detached run that finished on its VM is brought home and its
 * VM released (as `status` does), which is what lets the head of the queue start. One pass at a
 * time per process (all waiters of a launch worker share it); across processes the retrieval
 * claim (core/runs/retrieval-claim.ts) keeps two from bringing the same run home.
 */
import { FINISHED } from "../../state/run-record.js";
import { refreshRun } from "../runs/refresh-run.js";
import { retrieveFinished } from "../runs/retrieve-detached.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { holdsVm } from "./queue-book.js";
import { wakeQueue } from "./wake.js";

const passes = new Map<string, Promise<void>>();

export function freeSlots(deps: WorkflowDeps, signal?: AbortSignal): Promise<void> {
  const key = deps.store.file;
  let pass = passes.get(key);
  if (!pass) {
    pass = onePass(deps, signal).finally(() => passes.delete(key));
    passes.set(key, pass);
  }
  return pass;
}

async function onePass(deps: WorkflowDeps, signal?: AbortSignal): Promise<void> {
  const holding = Object.values((await deps.store.read()).runs).filter(
    (r) => holdsVm(r) && r.detached && r.autoRetrieve && r.startedAt !== null,
  );
  let freed = false;
  await Promise.all(
    holding.map(async (record) => {
      try {
        const r = (await refreshRun(deps, record, signal)).record;
        if (FINISHED.includes(r.status) && !r.summary) {
          await retrieveFinished(deps, r, { signal });
          freed = true;
        }
      } catch {
        // Unreachable, or another process is bringing it home: `status` says why; the queue waits.
      }
    }),
  );
  if (freed) wakeQueue();
}
