/**
 * list_vms: the VMs this tool made (tagged amplihack_workflow=true), with age, size, state,
 * whether a run is using them, and an estimate of what they cost.
 */
import { z } from "zod";
import { fleetCostLine, formatHourlyPrice, listOurVms, runningHourlyCost } from "../../core/vm-inventory.js";
import { defineTool } from "../define-tool.js";

const vmSchema = z.looseObject({
  name: z.string(),
  size: z.string(),
  region: z.string(),
  resourceGroup: z.string(),
  powerState: z.string(),
  createdAt: z.string().nullable(),
  ageHours: z.number().nullable(),
  ttlHours: z.number(),
  expired: z.boolean().describe("Older than its ttl: cleanup_vms deletes it when no run uses it"),
  busy: z.enum(["busy", "free", "unknown"]),
  busyNote: z.string().optional(),
  runIds: z.array(z.string()),
  hourlyCostUsd: z.number().nullable().describe("Compute only, estimated"),
  howToReach: z.string(),
});

export const listVms = defineTool({
  name: "list_vms",
  title: "List our VMs",
  description:
    "Lists the Azure VMs amplihack-remote made (tag amplihack_workflow=true) in azlin's resource group: size, region, age, " +
    "power state, busy or free (a run is using it), the runs on it, estimated cost per hour, and how to reach it. Changes nothing.",
  input: {},
  output: {
    vms: z.array(vmSchema),
    runningHourlyCostUsd: z
      .number()
      .describe("Estimated compute cost per hour of the running VMs whose price is known"),
  },
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
