/**
 * What the agent says it spent. Claude Code ends every `-p` session run with `--output-format
 * json` or `stream-json` with a `result` event carrying `total_cost_usd`; amplihack's auto mode
 * runs one session per turn, so a log may hold several. The log comes from the VM (untrusted): a
 * line counts only when it parses as such an event with a finite, non-negative cost.
 */
import { readFile } from "node:fs/promises";

/** The sum of the `total_cost_usd` of every `result` event in the log text, or null when none. */
export function agentSpendFromLog(text: string): number | null {
  let total: number | null = null;
  for (const line of text.split("\n")) {
    const start = line.indexOf('{"');
    if (start < 0 || !line.includes('"total_cost_usd"')) continue;
    let event: unknown;
    try {
      event = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    const e = event as { type?: unknown; total_cost_usd?: unknown };
    if (e.type !== "result" || typeof e.total_cost_usd !== "number") continue;
    if (!Number.isFinite(e.total_cost_usd) || e.total_cost_usd < 0) continue;
    total = (total ?? 0) + e.total_cost_usd;
  }
  return total === null ? null : Math.round(total * 10_000) / 10_000;
}

/** The same, read from an agent log file; null when there is no file or nothing reported. */
export async function agentSpendFromFile(path: string | null): Promise<number | null> {
  if (!path) return null;
  try {
    return agentSpendFromLog(await readFile(path, "utf8"));
  } catch {
    return null; // no log came home: nothing was reported
  }
}

/** "$0.42" for a spend, with cents below a dollar shown to the tenth of a cent. */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}
