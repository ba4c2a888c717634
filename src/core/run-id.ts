/**
 * Run ids name directories, tmux sessions and git refs, so they use only [a-z0-9-] and sort by
 * time: 20261124-063401-a1b2.
 */
import { randomBytes } from "node:crypto";

export function newRunId(now = new Date()): string {
  const iso = now.toISOString(); // 2026-11-24T06:34:01.123Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}`;
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
