/**
 * zod schemas of azlin's JSON output, the single source of the types we read. Unknown keys are
 * allowed (azlin adds fields over time); the ones we use are checked.
 */
import { z } from "zod";

/** One VM in `azlin list -o json` (cmd_list_render.rs::render_json): no tags, no creation time. */
export const listedVmSchema = z.looseObject({
  name: z.string(),
  resource_group: z.string(),
  location: z.string(),
  vm_size: z.string(),
  power_state: z.string(),
  public_ip: z.string().nullable().optional(),
  private_ip: z.string().nullable().optional(),
  session: z.string().optional(),
});
export type ListedVm = z.infer<typeof listedVmSchema>;

/** `azlin list -o json` since 2.7.0: `{filters, vms}` (a bare array before). */
export const listDocumentSchema = z.looseObject({
  filters: z.record(z.string(), z.unknown()).optional(),
  vms: z.array(listedVmSchema),
});

/** `azlin show NAME -o json` (handlers/show.rs::format_show_json). */
export const vmDetailsSchema = z.looseObject({
  name: z.string(),
  resource_group: z.string(),
  location: z.string(),
  vm_size: z.string(),
  power_state: z.string(),
  provisioning_state: z.string().nullable().optional(),
  public_ip: z.string().nullable().optional(),
  private_ip: z.string().nullable().optional(),
  admin_username: z.string().nullable().optional(),
  /** "%Y-%m-%d %H:%M:%S UTC", or null. */
  created_time: z.string().nullable().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
});
export type VmDetails = z.infer<typeof vmDetailsSchema>;

/** Parses azlin's created_time ("2026-08-22 06:15:14 UTC"); null when absent or unreadable. */
export function parseCreatedTime(text: string | null | undefined): Date | null {
  if (!text) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(?:UTC|Z|\+00:00)?$/.exec(text.trim());
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
