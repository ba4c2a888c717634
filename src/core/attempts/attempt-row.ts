/**
 * One row of the best-of-N table, from a run's record and its summary once home: the commits and
 * files from the summary, the lines added and removed by the run's own commits (against what was
 * shipped, so the snapshot of the user's uncommitted work does not count), and the exit code of
 * its --check from the logs it brought home. Every number is parsed, never passed through: the
 * files came from the machine.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createGit, type Git } from "../../git/git.js";
import type { RunRecord } from "../../state/run-record.js";
import type { RunSummary } from "../../state/run-summary.js";
import type { Runner } from "../../util/run.js";
import type { AttemptRow } from "../views/attempts.js";

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export async function attemptRow(
  record: RunRecord,
  summary: RunSummary | null,
  runner: Runner,
): Promise<AttemptRow> {
  const changed = (summary?.branches ?? []).filter((b) => b.status !== "unchanged");
  const git = createGit(record.repo, runner);
  let added: number | null = summary ? 0 : null;
  let removed: number | null = summary ? 0 : null;
  for (const b of changed) {
    const lines = await linesOf(
      git,
      b.commit,
      record.shippedHeads.map((h) => h.commit),
    );
    added = lines && added !== null ? added + lines.added : null;
    removed = lines && removed !== null ? removed + lines.removed : null;
  }
  return {
    attempt: record.attempt ?? 0,
    runId: record.id,
    status: summary?.status ?? record.status,
    commits: changed.reduce((n, b) => n + b.newCommits.length, 0),
    filesChanged: new Set(changed.flatMap((b) => b.filesChanged)).size,
    linesAdded: added,
    linesRemoved: removed,
    checkExitCode: summary?.logsDir ? await checkExitCode(summary.logsDir) : null,
    refs: changed.map((b) => b.runRef.replace("refs/remotes/", "")),
    error: summary?.error?.message ?? record.error?.message ?? null,
  };
}

/** Lines added and removed by the commits reachable from `tip` and not from what was shipped. */
async function linesOf(
  git: Git,
  tip: string,
  shipped: string[],
): Promise<{ added: number; removed: number } | null> {
  const own = await git.try(["rev-list", "--reverse", "--topo-order", tip, "--not", ...shipped]);
  const oldest = own.exitCode === 0 ? own.stdout.split("\n")[0] : "";
  if (!oldest) return own.exitCode === 0 ? { added: 0, removed: 0 } : null;
  const parent = await git.try(["rev-parse", "--verify", "--quiet", `${oldest}^1`]);
  const base = parent.exitCode === 0 ? parent.stdout.trim() : EMPTY_TREE;
  const diff = await git.try(["diff", "--numstat", base, tip]);
  if (diff.exitCode !== 0) return null;
  let added = 0;
  let removed = 0;
  for (const line of diff.stdout.split("\n")) {
    const m = /^(\d+)\t(\d+)\t/.exec(line); // binary files show "-\t-" and count no lines
    if (m) {
      added += Number(m[1]);
      removed += Number(m[2]);
    }
  }
  return { added, removed };
}

/** logs/check.exit as runner.sh wrote it: one small integer, or nothing when no check ran. */
async function checkExitCode(logsDir: string): Promise<number | null> {
  const text = await readFile(join(logsDir, "check.exit"), "utf8").catch(() => null);
  const m = text === null ? null : /^\s*(\d{1,3})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}
