/**
 * Which existing VM a run may reuse: ours (tag), young enough, the asked size and region, running,
 * in our resource group. Busy-ness is checked last, on the VM itself (slots.ts), because it costs
 * an ssh round trip.
 */
import type { ListedVm, VmDetails } from "../../azlin/schemas.js";
import { createdAtOf, isOurVm, ttlHoursOf } from "./tags.js";

export interface ReuseWanted {
  vmSize: string;
  region?: string;
  resourceGroup?: string;
  now: Date;
  /** VMs older than this are left for the reaper (default 24 h). */
  maxAgeHours?: number;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** A first cut on `list` data (no tags there), to save a `show` per VM that cannot fit anyway. */
export function mayFit(vm: ListedVm, wanted: ReuseWanted): boolean {
  if (!same(vm.vm_size, wanted.vmSize)) return false;
  if (vm.power_state !== "Running") return false;
  if (wanted.region && !same(vm.location, wanted.region)) return false;
  // Azure may upper-case resource group names (reference §5.7).
  if (wanted.resourceGroup && !same(vm.resource_group, wanted.resourceGroup)) return false;
  return true;
}

/** Why a VM cannot be reused, or null when it can (busy-ness aside). */
export function whyNotReusable(vm: VmDetails, wanted: ReuseWanted): string | null {
  if (!isOurVm(vm.tags)) return "not tagged amplihack_workflow=true";
  if (!same(vm.vm_size, wanted.vmSize)) return `size ${vm.vm_size}, not ${wanted.vmSize}`;
  if (wanted.region && !same(vm.location, wanted.region))
    return `region ${vm.location}, not ${wanted.region}`;
  if (wanted.resourceGroup && !same(vm.resource_group, wanted.resourceGroup))
    return `resource group ${vm.resource_group}`;
  if (vm.power_state !== "Running") return `power state ${vm.power_state}`;
  if (vm.provisioning_state && vm.provisioning_state !== "Succeeded")
    return `provisioning state ${vm.provisioning_state}`;
  const created = createdAtOf(vm);
  if (!created) return "no creation time";
  const ageHours = (wanted.now.getTime() - created.getTime()) / 3_600_000;
  const limit = Math.min(wanted.maxAgeHours ?? 24, ttlHoursOf(vm.tags));
  if (ageHours >= limit) return `${ageHours.toFixed(1)} h old (limit ${limit} h)`;
  return null;
}

/** Youngest first: it has the most life left before the reaper takes it. */
export function byYoungest(a: VmDetails, b: VmDetails): number {
  return (createdAtOf(b)?.getTime() ?? 0) - (createdAtOf(a)?.getTime() ?? 0);
}
