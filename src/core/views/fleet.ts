/**
 * The JSON views of our VMs: `vms --json` and the list_vms tool, `cleanup --json` and the
 * cleanup_vms tool. One schema each, so a terminal script and Claude read the same shape.
 */
import { z } from "zod";

export const vmViewSchema = z.looseObject({
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

export const vmListViewShape = {
  vms: z.array(vmViewSchema),
  runningHourlyCostUsd: z
    .number()
    .describe("Estimated compute cost per hour of the running VMs whose price is known"),
};
export const vmListViewSchema = z.object(vmListViewShape);

export const cleanupViewShape = {
  dryRun: z.boolean(),
  results: z.array(
    z.looseObject({
      name: z.string(),
      action: z.enum(["deleted", "would-delete", "skipped", "failed"]),
      reason: z.string(),
      ageHours: z.number().nullable(),
      size: z.string().nullable(),
      hourlyCostUsd: z.number().nullable(),
    }),
  ),
};
export const cleanupViewSchema = z.object(cleanupViewShape);
