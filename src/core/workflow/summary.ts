/**
 * The honest end of a run: what happened, what came back, where it is, and what to type next.
 */
import type { BranchResult, TagResult } from "../../git/integrate.js";
import { WIP_REF_PREFIX } from "../../git/wip-snapshot.js";
import type { ReleaseOutcome } from "../../targets/types.js";
import { shellQuote } from "../../util/shell-quote.js";

export interface RunSummary {
  runId: string;
  status: "succeeded" | "failed" | "timed-out" | "killed" | "setup-failed" | "error";
  exitCode: number | null;
  target: string;
  vm: string | null;
  durationSeconds: number;
  branches: BranchResult[];
  /** Tags the agent made, kept under refs/remotes/remote-exec/<run-id>/tags/. */
  tags?: TagResult[];
  logsDir: string | null;
  agentTail: string;
  release: ReleaseOutcome | null;
  /** Commands that merge the results, one per branch with new commits. */
  next: string[];
  /** The snapshot commit of the user's uncommitted work the agent started from, if any. */
  snapshotCommit?: string | null;
  warnings: string[];
  error?: { code: string; message: string; remedy: string };
}

export function mergeHints(branches: BranchResult[]): string[] {
  return (
    branches
      .filter((b) => b.status !== "unchanged")
      // Names from the machine are plain by the time they get here (git/ref-names.ts); quoting
      // anyway keeps a pasted command literal whatever a future rule lets through.
      .map((b) => `git merge ${shellQuote((b.aliasRef ?? b.runRef).replace("refs/remotes/", ""))}`)
  );
}

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
      const ref = (b.aliasRef ?? b.runRef).replace("refs/remotes/", "");
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
      lines.push(`                also at ${b.runRef.replace("refs/remotes/", "")}`);
    }
  }
  if (s.snapshotCommit && s.branches.some((b) => b.status !== "unchanged")) {
    lines.push(
      `  Your uncommitted work went along as commit ${s.snapshotCommit.slice(0, 8)} ("uncommitted work snapshot"), under the agent's commits: commit or stash your copy before merging.`,
    );
  }
  if (s.tags?.length) {
    lines.push("  Tags the agent made:");
    for (const t of s.tags) lines.push(`    ${t.tag}  at ${t.ref.replace("refs/remotes/", "")}`);
  }
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
