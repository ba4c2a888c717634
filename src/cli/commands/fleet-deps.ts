/**
 * What the `vms` and `cleanup` commands need, wired to the real azlin unless a test injects its
 * own fleet or output streams.
 */
import type { AppKit } from "../../core/app/kit.js";
import type { VmFleet } from "../../core/vm-inventory.js";
import { cliKit } from "../deps.js";
import { writeErr, writeOut } from "../stdio.js";

export interface FleetCommandDeps {
  fleet?: VmFleet;
  store?: ReturnType<AppKit["store"]>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  now?: Date;
  signal?: AbortSignal;
}

export function resolveFleetDeps(deps: FleetCommandDeps) {
  return {
    fleet: deps.fleet ?? cliKit().fleet(),
    store: deps.store ?? cliKit().store(),
    stdout: deps.stdout ?? writeOut,
    stderr: deps.stderr ?? writeErr,
    now: deps.now ?? new Date(),
    signal: deps.signal,
  };
}

/** "45m", "3h12m", "2d4h"; "?" when unknown. */
export function formatAge(hours: number | null): string {
  if (hours === null) return "?";
  const minutes = Math.floor(hours * 60);
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(minutes / 1440)}d${Math.floor((minutes % 1440) / 60)}h`;
}

/** A plain left-aligned text table (no colours: it may be piped). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
