/**
 * The reaper: deletes our VMs, never anyone else's. Either one VM by name, or every VM of ours
 * older than a number of hours (default: past its own ttl tag) that no run is using, or (with
 * idleMinutes) idle that long since its last run ended: a pool VM kept warm for reuse is not
 * left billing for the rest of its ttl. A VM whose
 * busy-ness cannot be read is left alone unless named explicitly. Dry-run says what would go.
 */
import { mapLimit } from "../util/map-limit.js";
import { ageHoursOf, busyStateOf, type FleetVm, type VmFleet } from "./vm-inventory.js";

export interface CleanupRequest {
  name?: string;
  olderThanHours?: number;
  /** Also delete VMs of ours with no run for this many minutes since the last one ended. */
  idleMinutes?: number;
  dryRun: boolean;
}

export type CleanupAction = "deleted" | "would-delete" | "skipped" | "failed";

export interface CleanupResult {
  name: string;
  action: CleanupAction;
  /** Why (skipped), what went wrong (failed), or what qualified it (deleted / would-delete). */
  reason: string;
  ageHours: number | null;
  size: string | null;
  hourlyCostUsd: number | null;
}

export interface CleanupDeps {
  fleet: VmFleet;
  now?: Date;
  signal?: AbortSignal;
  /** Deletions in flight at once. */
  concurrency?: number;
  /** Told of each VM deleted, so run records can say their VM is gone. */
  onDeleted?: (name: string) => Promise<void>;
  /**
   * What this machine's run records know of a VM: whether one of our runs used it (an untagged
   * VM we named and recorded is ours), and a run whose results still wait on it, not yet
   * retrieved (such a VM is never reaped automatically).
   */
  known?: (name: string) => { recorded: boolean; unretrievedRun: string | null };
  /** Runs queued for a VM (src/core/queue/): an idle VM is theirs to reuse, and deleting one says so. */
  queuedRuns?: number;
}

const hours = (h: number | null) => (h === null ? "of unknown age" : `${h.toFixed(1)} h old`);

function result(
  vm: FleetVm | null,
  name: string,
  action: CleanupAction,
  reason: string,
  now: Date,
): CleanupResult {
  const age = vm ? ageHoursOf(vm, now) : null;
  return {
    name,
    action,
    reason,
    ageHours: age === null ? null : Math.round(age * 100) / 100,
    size: vm?.size ?? null,
    hourlyCostUsd: vm?.hourlyCostUsd ?? null,
  };
}

/** Decides one VM's fate; `explicit` when the user named it. Returns a result, or "delete". */
async function decide(
  deps: CleanupDeps,
  vm: FleetVm,
  request: CleanupRequest,
  now: Date,
  explicit: boolean,
): Promise<CleanupResult | { delete: string }> {
  const known = deps.known?.(vm.name) ?? { recorded: false, unretrievedRun: null };
  if (!vm.ours && !(vm.nameLooksOurs && (explicit || known.recorded))) {
    return result(
      vm,
      vm.name,
      "skipped",
      "not an amplihack-remote VM (no amplihack_workflow=true tag); use `azlin kill` for it",
      now,
    );
  }
  const age = ageHoursOf(vm, now);
  let idleReason: string | null = null;
  if (!explicit && known.unretrievedRun) {
    return result(
      vm,
      vm.name,
      "skipped",
      `holds the results of run ${known.unretrievedRun}, not retrieved yet: \`amplihack-remote retrieve ${known.unretrievedRun}\` first`,
      now,
    );
  }
  if (!explicit) {
    const limit = request.olderThanHours ?? vm.ttlHours;
    if (age === null) return result(vm, vm.name, "skipped", "creation time unknown", now);
    if (age < limit) {
      const idle = request.idleMinutes !== undefined ? await idleMinutesOf(deps, vm, age, now) : null;
      if (idle === null || idle < (request.idleMinutes ?? 0)) {
        const idleNote = idle === null ? "" : `, idle ${Math.floor(idle)} min`;
        return result(vm, vm.name, "skipped", `${hours(age)}, younger than ${limit} h${idleNote}`, now);
      }
      idleReason = `idle ${Math.floor(idle)} min since its last run ended (≥ ${request.idleMinutes})`;
    }
  }
  const busy = await busyStateOf(deps.fleet, vm, deps.signal);
  if (busy.busy === "busy") {
    return result(vm, vm.name, "skipped", `busy with run ${busy.slotRunIds.join(", ") || "(unknown)"}`, now);
  }
  if (busy.busy === "unknown" && !explicit) {
    return result(
      vm,
      vm.name,
      "skipped",
      `could not check whether a run is using it (${busy.note}); delete it by name if you are sure`,
      now,
    );
  }
  const queued = deps.queuedRuns ?? 0;
  if (queued > 0 && idleReason && !explicit) {
    return result(
      vm,
      vm.name,
      "skipped",
      `${idleReason}, but ${queued} queued run${queued === 1 ? " is" : "s are"} about to use it; delete it by name to free its quota instead`,
      now,
    );
  }
  const why = explicit
    ? "named"
    : idleReason
      ? idleReason
      : request.olderThanHours !== undefined
        ? `${hours(age)} ≥ ${request.olderThanHours} h`
        : `${hours(age)}, past its ${vm.ttlHours} h ttl`;
  const forQueue =
    queued > 0
      ? `; ${queued} queued run${queued === 1 ? " waits" : "s wait"} for a VM: they will create one in its place`
      : "";
  return { delete: `${why}${forQueue}` };
}

/** Minutes since the VM's last run ended (or since it was created, if none ran); null if unknown. */
async function idleMinutesOf(
  deps: CleanupDeps,
  vm: FleetVm,
  ageHours: number,
  now: Date,
): Promise<number | null> {
  if (!deps.fleet.lastRunEnd) return null;
  try {
    const last = await deps.fleet.lastRunEnd(vm.name, deps.signal);
    return last === null ? ageHours * 60 : (now.getTime() / 1000 - last) / 60;
  } catch {
    return null;
  }
}

export async function cleanupVms(request: CleanupRequest, deps: CleanupDeps): Promise<CleanupResult[]> {
  const now = deps.now ?? new Date();
  const all = await deps.fleet.listVms(deps.signal);
  let targets: { vm: FleetVm; explicit: boolean }[];
  if (request.name) {
    const vm = all.find((v) => v.name === request.name);
    if (!vm) return [result(null, request.name, "skipped", "no such VM in the resource group", now)];
    targets = [{ vm, explicit: true }];
  } else {
    targets = all
      .filter((v) => v.ours || (v.nameLooksOurs && deps.known?.(v.name).recorded))
      .map((vm) => ({ vm, explicit: false }));
  }
  return mapLimit(targets, deps.concurrency ?? 3, async ({ vm, explicit }) => {
    const verdict = await decide(deps, vm, request, now, explicit);
    if (!("delete" in verdict)) return verdict;
    if (request.dryRun) return result(vm, vm.name, "would-delete", verdict.delete, now);
    try {
      const outcome = await deps.fleet.deleteVm(vm.name, deps.signal);
      if (outcome.deleted) await deps.onDeleted?.(vm.name).catch(() => {});
      return outcome.deleted
        ? result(vm, vm.name, "deleted", verdict.delete, now)
        : result(vm, vm.name, "failed", outcome.error ?? "azlin kill did not delete it", now);
    } catch (err) {
      return result(vm, vm.name, "failed", (err as Error).message.split("\n")[0], now);
    }
  });
}
