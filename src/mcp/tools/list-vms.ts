/**
 * list_vms: the VMs this tool made (tagged amplihack_workflow=true), with age, size, state,
 * whether a run is using them, and an estimate of what they cost.
 */
import { vmListViewShape } from "../../core/views/fleet.js";
import { fleetCostLine, formatHourlyPrice, listOurVms, runningHourlyCost } from "../../core/vm-inventory.js";
import { defineTool } from "../define-tool.js";

export const listVms = defineTool({
  name: "list_vms",
  title: "List our VMs",
  description:
    "Lists the Azure VMs amplihack-remote made (tag amplihack_workflow=true) in azlin's resource group: size, region, age, " +
    "power state, busy or free (a run is using it), the runs on it, estimated cost per hour, and how to reach it. Changes nothing.",
  input: {},
  output: vmListViewShape,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },

  async run(_args, { context, signal }) {
    const vms = await listOurVms(context.fleet(), { signal });
    const lines = vms.map((v) => {
      const age =
        v.ageHours === null
          ? "age unknown"
          : `${v.ageHours.toFixed(1)} h old${v.expired ? " (expired)" : ""}`;
      const price = formatHourlyPrice(v.hourlyCostUsd);
      return `${v.name}  ${v.size}  ${v.region}  ${v.powerState}  ${age}  ${v.busy}${v.runIds.length ? ` (runs: ${v.runIds.join(", ")})` : ""}  ${price}  reach: ${v.howToReach}`;
    });
    const text =
      vms.length === 0
        ? "No amplihack-remote VMs in this resource group."
        : [...lines, "", fleetCostLine(vms)].join("\n");
    return { structured: { vms, runningHourlyCostUsd: runningHourlyCost(vms) }, text };
  },
});
