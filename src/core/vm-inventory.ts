/**
 * What VMs of ours exist, what they cost, and whether a run is on them. Policy only: the fleet
 * (targets/azlin/fleet.ts) lists VMs and reads their slots; this module decides what "busy",
 * "expired" and "ours" mean for the `vms` and `cleanup` commands.
 */

import type { FleetVm, VmFleet } from "../targets/types.js";
import { mapLimit } from "../util/map-limit.js";

export type { FleetSlot, FleetVm, VmFleet } from "../targets/types.js";

export type BusyState = "busy" | "free" | "unknown";

export interface VmInventoryEntry {
  name: string;
  /**
   * Tagged amplihack_workflow=true. False for a VM named like ours whose tagging never happened
   * (the process died between `azlin new` and `azlin tag add`): listed so it is not forgotten.
   */
  tagged: boolean;
  size: string;
  region: string;
  resourceGroup: string;
  powerState: string;
  /** ISO time, or null when Azure did not say. */
  createdAt: string | null;
  ageHours: number | null;
  ttlHours: number;
  /** Older than its ttl: the reaper's to delete (when not busy). */
  expired: boolean;
  busy: BusyState;
  /** Why busy is "unknown" (e.g. the ssh error). */
  busyNote?: string;
  /** From the tags and from the slots held on the VM. */
  runIds: string[];
  hourlyCostUsd: number | null;
  /** Estimated compute cost since the VM was created (hourly price × age). */
  accruedCostUsd: number | null;
  howToReach: string;
}

export interface InventoryOptions {
  now?: Date;
  signal?: AbortSignal;
  /** ssh round trips in flight at once. */
  concurrency?: number;
}

export const ageHoursOf = (vm: FleetVm, now: Date): number | null =>
  vm.createdAt ? Math.max(0, (now.getTime() - vm.createdAt.getTime()) / 3_600_000) : null;

/**
 * Busy-ness of one VM: only a running VM can hold a live run; an unreachable one is "unknown",
 * never guessed.
 */
export async function busyStateOf(
  fleet: VmFleet,
  vm: FleetVm,
  signal?: AbortSignal,
): Promise<{ busy: BusyState; slotRunIds: string[]; note?: string }> {
  if (vm.powerState !== "Running") return { busy: "free", slotRunIds: [] };
  try {
    const slots = await fleet.readSlots(vm.name, signal);
    const live = slots.filter((s) => !s.stale);
    return {
      busy: live.length > 0 ? "busy" : "free",
      slotRunIds: slots.map((s) => s.runId).filter((r): r is string => Boolean(r)),
    };
  } catch (err) {
    return { busy: "unknown", slotRunIds: [], note: (err as Error).message.split("\n")[0] };
  }
}

export function toEntry(
  vm: FleetVm,
  busy: Awaited<ReturnType<typeof busyStateOf>>,
  now: Date,
): VmInventoryEntry {
  const ageHours = ageHoursOf(vm, now);
  return {
    name: vm.name,
    tagged: vm.ours,
    size: vm.size,
    region: vm.region,
    resourceGroup: vm.resourceGroup,
    powerState: vm.powerState,
    createdAt: vm.createdAt ? vm.createdAt.toISOString() : null,
    ageHours: ageHours === null ? null : Math.round(ageHours * 100) / 100,
    ttlHours: vm.ttlHours,
    expired: ageHours !== null && ageHours >= vm.ttlHours,
    busy: busy.busy,
    ...(busy.note ? { busyNote: busy.note } : {}),
    runIds: [...new Set([...vm.runIds, ...busy.slotRunIds])],
    hourlyCostUsd: vm.hourlyCostUsd,
    // Compute since creation at the list price: an estimate (a stopped VM stops compute billing).
    accruedCostUsd:
      vm.hourlyCostUsd === null || ageHours === null
        ? null
        : Math.round(vm.hourlyCostUsd * ageHours * 100) / 100,
    howToReach: vm.howToReach,
  };
}

/**
 * Our VMs (tag amplihack_workflow=true, or named the way we name VMs), oldest first, with
 * busy-ness read on the running ones.
 */
export async function listOurVms(
  fleet: VmFleet,
  options: InventoryOptions = {},
): Promise<VmInventoryEntry[]> {
  const now = options.now ?? new Date();
  const ours = (await fleet.listVms(options.signal)).filter((vm) => vm.ours || vm.nameLooksOurs);
  ours.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  return mapLimit(ours, options.concurrency ?? 4, async (vm) =>
    toEntry(vm, await busyStateOf(fleet, vm, options.signal), now),
  );
}

/** The one way a VM's hourly cost is shown (the `vms` table and the list_vms text). */
export function formatHourlyPrice(price: number | null): string {
  return price === null ? "?" : `$${price.toFixed(2)}/h`;
}

/** What the running VMs cost per hour, for those whose price is known (rounded to cents). */
export function runningHourlyCost(vms: VmInventoryEntry[]): number {
  const running = vms.filter((v) => v.powerState === "Running");
  return Math.round(running.reduce((sum, v) => sum + (v.hourlyCostUsd ?? 0), 0) * 100) / 100;
}

/** The one line that totals the fleet's cost, under the `vms` table and the list_vms text. */
export function fleetCostLine(vms: VmInventoryEntry[]): string {
  const running = vms.filter((v) => v.powerState === "Running");
  const unknown = running.filter((v) => v.hourlyCostUsd === null).length;
  return `${vms.length} VM(s), ${running.length} running, about $${runningHourlyCost(vms).toFixed(2)}/h${unknown ? ` plus ${unknown} of unknown price` : ""} (compute only, estimated).`;
}

/**
 * What each named VM has cost so far (hourly price × age), for the status lines that name a
 * running VM. One read-only fleet listing, bounded: when Azure is slow or unreachable the lines
 * simply go without a cost.
 */
export async function costSoFarByVm(
  fleet: VmFleet,
  names: string[],
  options: { now?: Date; boundMs?: number } = {},
): Promise<Map<string, { hourlyUsd: number; soFarUsd: number }>> {
  const costs = new Map<string, { hourlyUsd: number; soFarUsd: number }>();
  if (names.length === 0) return costs;
  const vms = await fleet.listVms(AbortSignal.timeout(options.boundMs ?? 20_000)).catch(() => []);
  for (const vm of vms) {
    if (!names.includes(vm.name) || vm.powerState !== "Running") continue;
    const entry = toEntry(vm, { busy: "unknown", slotRunIds: [] }, options.now ?? new Date());
    if (entry.hourlyCostUsd !== null && entry.accruedCostUsd !== null)
      costs.set(vm.name, { hourlyUsd: entry.hourlyCostUsd, soFarUsd: entry.accruedCostUsd });
  }
  return costs;
}

/** "$1.23 so far" for a VM of the map, or "" when its cost is not known. */
export function costSoFarText(costs: Map<string, { soFarUsd: number }>, vm: string | null): string {
  const c = vm ? costs.get(vm) : undefined;
  return c ? `VM $${c.soFarUsd.toFixed(2)} so far` : "";
}
