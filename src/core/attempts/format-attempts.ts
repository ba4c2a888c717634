/** The best-of-N table as a person reads it, with how to take the chosen attempt. */
import { sanitizeLine } from "../../util/terminal-text.js";
import type { AttemptsView } from "../views/attempts.js";

export function formatAttempts(view: AttemptsView): string {
  const header = ["#", "run", "status", "commits", "files", "+lines", "-lines", "check", "refs"];
  const num = (n: number | null) => (n === null ? "-" : String(n));
  const rows = view.rows.map((r) => [
    String(r.attempt),
    r.runId,
    r.status,
    String(r.commits),
    String(r.filesChanged),
    num(r.linesAdded),
    num(r.linesRemoved),
    r.checkExitCode === null ? "-" : r.checkExitCode === 0 ? "pass (0)" : `fail (${r.checkExitCode})`,
    r.refs.map(sanitizeLine).join(" ") || "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const out = [
    `Attempts of ${view.group}${view.done ? "" : " (not all home yet)"}:`,
    line(header),
    ...rows.map(line),
  ];
  const chosen = view.rows.find((r) => r.refs.length > 0);
  if (chosen) out.push(`Take one with: git merge ${chosen.refs[0]}   (any attempt's ref from the table)`);
  for (const r of view.rows) if (r.error) out.push(`  attempt ${r.attempt}: ${sanitizeLine(r.error)}`);
  return out.join("\n");
}
