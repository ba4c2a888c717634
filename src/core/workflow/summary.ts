/**
 * The honest end of a run: what happened, what came back, where it is, and what to type next.
 */
import { WIP_REF_PREFIX } from "../../git/wip-snapshot.js";
import type { RunSummary } from "../../state/run-summary.js";
import { formatUsd } from "../plan/agent-spend.js";

export type { RunSummary } from "../../state/run-summary.js";

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  const icon = s.status === "succeeded" ? "✔" : "✘";
  lines.push(
    `${icon} Run ${s.runId} ${s.status}${s.exitCode !== null ? ` (agent exit ${s.exitCode})` : ""} on ${s.vm ?? s.target} in ${Math.round(s.durationSeconds)}s`,
  );
  if (s.error) lines.push(`  ${s.error.message}`, `  → ${s.error.remedy}`);
  if (s.branches.length === 0) {
    lines.push("  No new commits came back.");
  } else {
    lines.push("  Branches:");
    for (const b of s.branches) {
      const ref = b.runRef.replace("refs/remotes/", "");
      lines.push(
        `    ${b.status.padEnd(9)} ${ref}  ${b.commit.slice(0, 8)}  +${b.newCommits.length} commit(s), ${b.filesChanged.length} file(s) changed`,
      );
      for (const c of b.newCommits.slice(0, 5))
        lines.push(
          `                ${c.sha.slice(0, 8)} ${c.subject}${c.uncommitted ? "  <- holds the work the agent left uncommitted" : ""}`,
        );
      if (b.newCommits.length > 5) lines.push(`                … ${b.newCommits.length - 5} more`);
      if (b.local?.exists) {
        lines.push(
          b.local.fastForward
            ? `                fast-forward of your local ${b.branch}`
            : `                diverged from your local ${b.branch}: ${b.local.behind} local commit(s) not in the result`,
        );
      }
    }
  }
  if (s.snapshotCommit && s.branches.some((b) => b.status !== "unchanged")) {
    lines.push(
      `  Your uncommitted work went along as commit ${s.snapshotCommit.slice(0, 8)} ("uncommitted work snapshot"), under the agent's commits: the merge brings it back, so the first command below sets your copy aside (\`git stash list\` shows it; drop it once the merge looks right).`,
    );
  }
  if (s.tags?.length) {
    lines.push("  Tags the agent made:");
    for (const t of s.tags) lines.push(`    ${t.tag}  at ${t.ref.replace("refs/remotes/", "")}`);
  }
  const cap = typeof s.agentBudgetUsd === "number" ? ` of the ${formatUsd(s.agentBudgetUsd)} cap` : "";
  if (typeof s.agentSpendUsd === "number")
    lines.push(
      `  Agent spend: ${formatUsd(s.agentSpendUsd)}${cap} on model calls (as the agent reported it)`,
    );
  else if (cap)
    lines.push(`  Agent spend: not reported by the agent (capped at ${formatUsd(s.agentBudgetUsd!)})`);
  if (s.logsDir) lines.push(`  Logs: ${s.logsDir}`);
  if (s.release) lines.push(`  Machine: ${s.release.message}`);
  for (const w of s.warnings) lines.push(`  ! ${w}`);
  if (s.next.length > 0) {
    lines.push("  To merge:");
    for (const n of s.next) lines.push(`    ${n}`);
  }
  return lines.join("\n");
}

/** The WIP snapshot commit among the shipped heads (see git/wip-snapshot.ts), or null. */
export function snapshotCommitOf(shippedHeads: { ref: string; commit: string }[]): string | null {
  return shippedHeads.find((h) => h.ref.startsWith(WIP_REF_PREFIX))?.commit ?? null;
}
