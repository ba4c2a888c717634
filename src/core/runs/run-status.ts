/**
 * `status [RUN]`: every run (or one) brought up to date; finished detached runs that asked for it
 * are retrieved and their machines released on the way.
 */

import type { RunSummary } from "../../state/run-summary.js";
import { asRemoteError } from "../../util/errors.js";
import { statusRecords } from "../attempts/attempt-group.js";
import { advanceQueue } from "../queue/advance-queue.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { loadRun, type RunView, refreshRun, statusesOnMachines } from "./refresh-run.js";
import { retrieveFinished } from "./retrieve-detached.js";

export interface StatusEntry extends RunView {
  retrievedNow?: RunSummary;
  retrieveError?: string;
}

export async function runStatus(
  deps: WorkflowDeps,
  runId?: string,
  options: { autoRetrieve?: boolean; signal?: AbortSignal } = {},
): Promise<StatusEntry[]> {
  // A queue whose launch worker died is taken over here (src/core/queue/): status resumes it.
  await advanceQueue(deps);
  // Best of N: one attempt's id stands for all of them (core/attempts/).
  const records = runId ? await statusRecords(deps, runId) : Object.values((await deps.store.read()).runs);
  records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const asked = await statusesOnMachines(deps, records, options.signal);
  const entries = await Promise.all(
    records.map(async (record): Promise<StatusEntry> => {
      const view = await refreshRun(deps, record, options.signal, asked.get(record.id));
      const r = view.record;
      const finishedRemotely =
        r.startedAt && !r.summary && ["succeeded", "failed", "timed-out", "killed"].includes(r.status);
      if (finishedRemotely && r.detached && r.autoRetrieve && options.autoRetrieve !== false) {
        try {
          const summary = await retrieveFinished(deps, r, { signal: options.signal });
          return { ...view, record: await loadRun(deps, r.id), retrievedNow: summary };
        } catch (err) {
          return { ...view, retrieveError: asRemoteError(err).message };
        }
      }
      return view;
    }),
  );
  // A launch worker found dead just now (a pending run ended here) left its job file and package;
  // with its runs ended, they go. Only then: a waiting status looks again every second.
  const launchDied = entries.some((e, i) => records[i].status === "pending" && e.record.status === "error");
  if (launchDied) await deps.launcher?.tidy(deps.store).catch(() => 0);
  return entries;
}
