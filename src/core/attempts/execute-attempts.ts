/**
 * Best of N, waited for (`exec --attempts N`, remote_execute with attempts and wait): the prompt is
 * validated and packaged once, its N runs launched in parallel on machines shared by capacity
 * (core/launch/launch-batch.ts), each followed to its end and finished the one way every run ends
 * (core/finish/), so each attempt's work is home under its own remote-exec/<run-id>/ refs. Then the
 * table to choose from. A cancel stops every agent and still brings their work home.
 */
import type { RunSummary } from "../../state/run-summary.js";
import { finishRun } from "../finish/finish-run.js";
import { launchBatch } from "../launch/launch-batch.js";
import type { RunOptionsInput } from "../options.js";
import { createProgress } from "../progress.js";
import { newRunId } from "../run-id.js";
import { attachLease } from "../runs/refresh-run.js";
import type { AttemptsView } from "../views/attempts.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { followToEnd, parseRunOptions, startWarnings } from "../workflow/execute-run.js";
import { prepareBatch } from "../workflow/prepare-run.js";
import { attemptsView } from "./attempt-group.js";

export interface AttemptsOutcome {
  view: AttemptsView;
  /** The summary of each attempt that started, in attempt order. */
  summaries: RunSummary[];
}

export async function executeAttempts(
  deps: WorkflowDeps,
  input: RunOptionsInput,
  signal?: AbortSignal,
): Promise<AttemptsOutcome> {
  const options = parseRunOptions(input);
  const n = options.attempts ?? 1;
  const progress = createProgress(deps.onProgress);
  const asked = Array.from({ length: n }, () => ({ runId: newRunId(), options }));
  const prepared = await prepareBatch(deps, asked, progress, signal);
  const launched = await launchBatch(
    deps,
    { runs: prepared.runs, pkg: prepared.pkg, repoGit: prepared.validated.git, autoRetrieve: false },
    progress,
    signal,
  );
  // This process drives the attempts to their end, as `exec` drives its run.
  for (const o of launched)
    if (!o.error) await deps.store.patchRun(o.runId, { detached: false, driverPid: process.pid });
  const warnings = startWarnings(prepared);
  const settled = await Promise.allSettled(
    launched
      .filter((o) => !o.error)
      .map(async (o) => {
        const record = (await deps.store.read()).runs[o.runId];
        const lease = await attachLease(deps, record);
        const started = { record, lease, validated: prepared.validated, pkg: prepared.pkg };
        const followed = await followToEnd(deps, started, options, progress, signal);
        return finishRun(deps, {
          record: (await deps.store.read()).runs[o.runId],
          lease,
          driver: "exec",
          cancelled: followed.cancelled,
          failure: followed.failure,
          keepRequested: options.keepVm,
          warnings,
          signal: followed.cancelled ? undefined : signal,
          progress,
        });
      }),
  );
  // One attempt that could not be finished (its record says why) never costs the others theirs.
  const summaries = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const state = await deps.store.read();
  const records = asked.map((a) => state.runs[a.runId]).filter((r) => r !== undefined);
  return { view: await attemptsView(deps, records), summaries };
}
