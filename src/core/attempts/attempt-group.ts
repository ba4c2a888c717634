/**
 * The attempts of one best-of-N request, found by their group id (the first attempt's run id, or
 * any attempt's id: each record names its group), and their table once every one of them is home.
 */
import type { RunRecord } from "../../state/run-record.js";
import { loadRun } from "../runs/refresh-run.js";
import type { AttemptsView } from "../views/attempts.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { attemptRow } from "./attempt-row.js";

/** The group's records in attempt order, or null when `runId` is not an attempt. */
export async function attemptGroupOf(deps: WorkflowDeps, runId: string): Promise<RunRecord[] | null> {
  const record = await loadRun(deps, runId);
  const group = record.attemptGroup;
  if (!group) return null;
  const state = await deps.store.read();
  return Object.values(state.runs)
    .filter((r) => r.attemptGroup === group)
    .sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
}

/** What `status RUN` looks at: every attempt of RUN's group when RUN is an attempt, else RUN. */
export async function statusRecords(deps: WorkflowDeps, runId: string): Promise<RunRecord[]> {
  return (await attemptGroupOf(deps, runId)) ?? [await loadRun(deps, runId)];
}

/** The table of the attempts among `records` (one group), once every one of them is home. */
export async function finishedAttempts(
  deps: WorkflowDeps,
  records: RunRecord[],
): Promise<AttemptsView | null> {
  const group = records[0]?.attemptGroup;
  if (!group || !records.every((r) => r.attemptGroup === group)) return null;
  const view = await attemptsView(deps, records);
  return view.done ? view : null;
}

/** A record is home when its summary is stored, or when it ended without ever starting. */
const home = (r: RunRecord) =>
  r.summary !== null || r.status === "blocked" || (r.status === "error" && !r.startedAt);

export async function attemptsView(deps: WorkflowDeps, records: RunRecord[]): Promise<AttemptsView> {
  return {
    group: records[0]?.attemptGroup ?? "",
    done: records.every(home),
    rows: await Promise.all(records.map((r) => attemptRow(r, r.summary, deps.runner))),
  };
}
