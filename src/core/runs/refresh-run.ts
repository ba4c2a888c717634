/**
 * Brings a run record up to date with the truth on its machine. Any process can do this, which is
 * what makes a detached run followable from another terminal or after a restart.
 */

import { existsSync } from "node:fs";
import { parseStatuses, type RemoteStatus, statusesScript } from "../../remote/protocol.js";
import { FINISHED, type RunRecord, type RunStatus } from "../../state/run-record.js";
import type { Lease } from "../../targets/types.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import { processAlive } from "../../util/scratch-dirs.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { readStatus } from "../workflow/follow-run.js";

export interface RunView {
  record: RunRecord;
  /** What the machine said, when it was asked. */
  live: (RemoteStatus & { exists: true }) | null;
  /** Why the machine could not be asked, when it could not. */
  unreachable?: string;
  elapsedSeconds: number | null;
}

export async function loadRun(deps: WorkflowDeps, runId: string): Promise<RunRecord> {
  const state = await deps.store.read();
  const exact = state.runs[runId];
  if (exact) return exact;
  // A unique prefix is enough, as with git object names.
  const matches = Object.keys(state.runs).filter((id) => id.startsWith(runId) || id.endsWith(runId));
  if (matches.length === 1) return state.runs[matches[0]];
  throw new RemoteError(
    "run-not-found",
    matches.length > 1
      ? `Run id ${runId} is ambiguous: ${matches.join(", ")}.`
      : `No run ${runId} is known here.`,
    "List runs with `amplihack-remote status`.",
  );
}

export async function attachLease(deps: WorkflowDeps, record: RunRecord): Promise<Lease> {
  return deps.target(record.target).attach({
    runId: record.id,
    vmName: record.vm?.name ?? null,
    created: record.vm?.created ?? false,
  });
}

export const driverAlive = (pid: number | null): boolean => processAlive(pid);

const outcomeToStatus = (outcome: string | null, exitCode: number | null): RunStatus => {
  if (outcome === "setup-failed") return "failed";
  if (outcome === "succeeded" || outcome === "failed" || outcome === "timed-out" || outcome === "killed")
    return outcome;
  return exitCode === 0 ? "succeeded" : "failed";
};

/** What a machine said of a run, asked ahead of refreshRun (statusesOnMachines), or why it could not be asked. */
export type Asked = { status: RemoteStatus } | { unreachable: string };

/** Whether refreshRun will ask the machine about this run (it is neither finished nor still being started). */
const asksMachine = (record: RunRecord) =>
  !FINISHED.includes(record.status) && record.status !== "pending" && !keptHere(record);

/** The run's results are in an archive kept here, and no live process is importing them. */
const keptHere = (record: RunRecord) =>
  !!record.resultsKept && existsSync(record.resultsKept.path) && !driverAlive(record.driverPid);

/**
 * The status of every run that needs asking, one connection per machine (each costs seconds on a
 * VM): runs on the same machine are asked together.
 */
export async function statusesOnMachines(
  deps: WorkflowDeps,
  records: readonly RunRecord[],
  signal?: AbortSignal,
): Promise<Map<string, Asked>> {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records.filter(asksMachine)) {
    const key = `${r.target}\0${r.vm?.name ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out = new Map<string, Asked>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const ids = group.map((r) => r.id);
      try {
        const lease = await attachLease(deps, group[0]);
        const r = await lease.machine.exec(statusesScript(ids), { signal, timeoutMs: 120_000 });
        if (r.exitCode !== 0)
          throw new Error(`the status query failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
        const said = parseStatuses(r.stdout);
        for (const id of ids) {
          const status = said.get(id);
          out.set(id, status ? { status } : { unreachable: "the machine gave no status for this run" });
        }
      } catch (err) {
        for (const id of ids) out.set(id, { unreachable: asRemoteError(err).message });
      }
    }),
  );
  return out;
}

export async function refreshRun(
  deps: WorkflowDeps,
  record: RunRecord,
  signal?: AbortSignal,
  asked?: Asked,
): Promise<RunView> {
  const elapsed = (r: RunRecord) =>
    r.startedAt
      ? Math.round(((r.endedAt ? Date.parse(r.endedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000)
      : null;
  if (FINISHED.includes(record.status)) return { record, live: null, elapsedSeconds: elapsed(record) };
  // Waiting for a VM (src/core/queue/): there is no machine to ask yet.
  if (record.status === "queued") return { record, live: null, elapsedSeconds: null };

  if (record.status === "pending") {
    // Still being started. If the process starting it is gone (killed, crashed), it never will be.
    if (driverAlive(record.driverPid)) return { record, live: null, elapsedSeconds: null };
    // Judged again under the lock, on the record as it is now: `record` was read earlier, and in
    // between its driver may have started the run and exited, its work done (a launch worker does).
    const patched = await deps.store.update((state) => {
      const r = state.runs[record.id];
      if (r?.status !== "pending" || driverAlive(r.driverPid)) return r ?? record;
      const vm = r.vm && !r.vm.deleted && r.vm.created ? r.vm.name : null;
      const what = r.detached ? `launch worker (pid ${r.driverPid})` : "process starting this run";
      const at = new Date().toISOString();
      state.runs[r.id] = {
        ...r,
        status: "error",
        endedAt: at,
        updatedAt: at,
        driverPid: null,
        error: {
          code: "interrupted",
          message: `The ${what} died ${r.phase ? `while ${r.phase}` : "before the agent started"}${vm ? `, holding VM ${vm}` : ""}.`,
          remedy: vm
            ? `Delete its VM with \`amplihack-remote cleanup ${vm}\` (it may still be being created: check with \`amplihack-remote vms\`), then start the task again.`
            : "Start the task again.",
        },
      };
      return state.runs[r.id]!;
    });
    return { record: patched, live: null, elapsedSeconds: elapsed(patched) };
  }

  if (record.resultsKept && keptHere(record)) {
    // The process bringing it home died during the import, with the machine being released: the
    // run's results are in the kept archive. The run is finished; status brings it home from there.
    const { outcome, exitCode } = record.resultsKept;
    const patched = await deps.store.patchRun(record.id, {
      status: outcomeToStatus(outcome, exitCode),
      exitCode,
      endedAt: record.endedAt ?? new Date().toISOString(),
      detached: true,
      autoRetrieve: true,
      driverPid: null,
    });
    return { record: patched, live: null, elapsedSeconds: elapsed(patched) };
  }

  if (record.status === "running" && !record.detached && !driverAlive(record.driverPid)) {
    // The `exec` that drove this run died (killed, crashed, laptop closed): the run itself goes
    // on, so adopt it as a detached run, which `status` follows and brings home.
    record = await deps.store.patchRun(record.id, { detached: true, autoRetrieve: true, driverPid: null });
  }

  let live: RemoteStatus;
  try {
    if (asked && "unreachable" in asked) throw new Error(asked.unreachable);
    live = asked
      ? asked.status
      : (await readStatus((await attachLease(deps, record)).machine, record.id, signal)).status;
  } catch (err) {
    return { record, live: null, unreachable: asRemoteError(err).message, elapsedSeconds: elapsed(record) };
  }
  if (!live.exists) {
    const patched = await deps.store.patchRun(record.id, {
      status: "error",
      endedAt: new Date().toISOString(),
      error: {
        code: "remote-failed",
        message: `The run's directory is gone from ${record.vm?.name ?? "the machine"}.`,
        remedy: "Its results cannot be retrieved; start the task again.",
      },
    });
    return { record: patched, live: null, elapsedSeconds: elapsed(patched) };
  }
  if (live.phase === "done") {
    const patched = await deps.store.patchRun(record.id, {
      status: outcomeToStatus(live.outcome, live.exitCode),
      exitCode: live.exitCode,
      endedAt: new Date().toISOString(),
    });
    return { record: patched, live, elapsedSeconds: elapsed(patched) };
  }
  return { record, live, elapsedSeconds: live.startedAt ? live.now - live.startedAt : elapsed(record) };
}
