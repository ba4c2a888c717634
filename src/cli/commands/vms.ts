/**
 * `amplihack-remote vms`: our VMs with size, region, age, state, busy/free, runs and what they
 * cost per hour (an estimate from src/azlin/prices.ts).
 */

import { vmListViewSchema } from "../../core/views/fleet.js";
import {
  fleetCostLine,
  formatHourlyPrice,
  listOurVms,
  runningHourlyCost,
  type VmInventoryEntry,
} from "../../core/vm-inventory.js";
import { printError, printJson, printText } from "../print.js";
import { type FleetCommandDeps, formatAge, formatTable, resolveFleetDeps } from "./fleet-deps.js";

export function formatVmsTable(vms: VmInventoryEntry[]): string {
  if (vms.length === 0) return "No amplihack-remote VMs in this resource group.";
  const rows = vms.map((vm) => [
    vm.tagged ? vm.name : `${vm.name} (untagged)`,
    vm.size,
    vm.region,
    `${formatAge(vm.ageHours)}${vm.expired ? " (expired)" : ""}`,
    vm.powerState,
    vm.busy,
    vm.runIds.join(",") || "-",
    formatHourlyPrice(vm.hourlyCostUsd),
    vm.accruedCostUsd === null ? "?" : `$${vm.accruedCostUsd.toFixed(2)}`,
  ]);
  const footer = fleetCostLine(vms);
  const untagged = vms.some((v) => !v.tagged)
    ? "\n(untagged): named by amplihack-remote but never tagged; `amplihack-remote cleanup NAME` deletes it."
    : "";
  return `${formatTable(["NAME", "SIZE", "REGION", "AGE", "STATE", "BUSY", "RUNS", "COST/H", "SO FAR"], rows)}\n\n${footer}${untagged}`;
}

export async function vmsCommand(opts: { json: boolean }, deps: FleetCommandDeps = {}): Promise<number> {
  const d = resolveFleetDeps(deps);
  try {
    const vms = await listOurVms(d.fleet, { now: d.now, signal: d.signal });
    if (opts.json)
      printJson(vmListViewSchema, { vms, runningHourlyCostUsd: runningHourlyCost(vms) }, d.stdout);
    else printText(formatVmsTable(vms), d.stdout);
    return 0;
  } catch (err) {
    return printError(err, opts.json, d);
  }
}
