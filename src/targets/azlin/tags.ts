/**
 * How a VM is marked as ours: tags set with `azlin tag add` right after `azlin new` (azlin itself
 * sets only azlin-session). Keys may contain only [A-Za-z0-9._-].
 */
import { parseCreatedTime } from "../../azlin/schemas.js";

export const TAG = {
  workflow: "amplihack_workflow",
  owner: "amplihack_owner",
  created: "amplihack_created",
  ttlHours: "amplihack_ttl_hours",
  run: "amplihack_run",
} as const;

export const DEFAULT_TTL_HOURS = 24;

export function ownershipTags(input: {
  user: string;
  runId: string;
  now: Date;
  ttlHours?: number;
}): Record<string, string> {
  return {
    [TAG.workflow]: "true",
    [TAG.owner]: input.user,
    [TAG.created]: input.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    [TAG.ttlHours]: String(input.ttlHours ?? DEFAULT_TTL_HOURS),
    [TAG.run]: input.runId,
  };
}

type Tags = Record<string, string> | null | undefined;

export function isOurVm(tags: Tags): boolean {
  return tags?.[TAG.workflow]?.toLowerCase() === "true";
}

export function ttlHoursOf(tags: Tags): number {
  const n = Number(tags?.[TAG.ttlHours]);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TTL_HOURS;
}

/** Azure's created_time, else our own tag (older azlin builds may not report it). */
export function createdAtOf(details: { created_time?: string | null; tags?: Tags }): Date | null {
  const fromAzure = parseCreatedTime(details.created_time);
  if (fromAzure) return fromAzure;
  const tagged = details.tags?.[TAG.created];
  if (!tagged) return null;
  const d = new Date(tagged);
  return Number.isNaN(d.getTime()) ? null : d;
}
