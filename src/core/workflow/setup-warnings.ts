/**
 * What the VM's setup warned about, lifted from runner.log into the summary: a VM that azlin
 * provisioned "degraded" (azlin 2.7.3 fails its Claude Code step and still exits 0) works only
 * because ensure-tooling.sh repaired it, and the user should hear that without reading logs.
 * The log comes from the VM, so each line is sanitised and bounded before anyone sees it.
 */
import { sanitizeLine } from "../../util/terminal-text.js";

const WARNING = /^ensure-tooling: WARNING: (.+)$/;
const MAX_WARNINGS = 5;
const MAX_CHARS = 300;

export function setupWarnings(runnerLog: string): string[] {
  const found: string[] = [];
  for (const line of runnerLog.split("\n")) {
    const m = WARNING.exec(line.trimEnd());
    if (!m) continue;
    const text = `The VM's setup warned: ${sanitizeLine(m[1]).slice(0, MAX_CHARS)}`;
    if (!found.includes(text)) found.push(text);
    if (found.length === MAX_WARNINGS) break;
  }
  return found;
}
