/**
 * `kill RUN`: stops that run's agent (its process group on the machine, nothing else), lets the
 * runner pack what the agent committed, and marks the run killed.
 */
import { killScript } from "../../remote/protocol.js";
import { FINISHED } from "../../state/run-record.js";
import { RemoteError } from "../../util/errors.js";
import { leaveQueue } from "../queue/leave-queue.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { readStatus } from "../workflow/follow-run.js";
import { attachLease, loadRun, type RunView, refreshRun } from "./refresh-run.js";

export async function killRun(deps: WorkflowDeps, runId: string, signal?: AbortSignal): Promise<RunView> {
  const record = await loadRun(deps, runId);
  if (FINISHED.includes(record.status)) return refreshRun(deps, record, signal);
  if (record.status === "queued") {
    const left = await leaveQueue(deps.store, record.id);
    if (left) return { record: left, live: null, elapsedSeconds: null };
    return killRun(deps, runId, signal); // it left the queue meanwhile: kill it where it is now
  }
  if (record.status === "pending") {
    throw new RemoteError("usage", `Run ${record.id} is still being started.`, "Retry in a few seconds.");
  }
  const lease = await attachLease(deps, record);
  const r = await lease.machine.exec(killScript(record.id), { signal, timeoutMs: 60_000 });
  if (r.exitCode !== 0) {
    throw new RemoteError(
      "remote-failed",
      `Could not stop run ${record.id}: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
      `Inspect the machine: ${lease.machine.howToReach}`,
    );
  }
  // The runner packs the results after the agent stops; wait for it (bounded).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { status } = await readStatus(lease.machine, record.id, signal);
    if (!status.exists || status.phase === "done") break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return refreshRun(deps, await loadRun(deps, record.id), signal);
}
