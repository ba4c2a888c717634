/**
 * Brings a results bundle home. Commits land in refs/remotes/remote-exec/<run-id>/<branch> (kept
 * per run, so repeated and parallel runs never clobber one another) and the moving alias
 * refs/remotes/remote-exec/<branch> (so `git merge remote-exec/main` works, as the spec shows).
 * Only refs under refs/remotes/remote-exec/ are written: never the working tree, the index or a
 * local branch. Forced updates (+) make a second run on the same branch succeed.
 */
import { RemoteError } from "../util/errors.js";
import type { BundleHead } from "./bundle.js";
import { listBundleHeads, verifyBundle } from "./bundle.js";
import type { Git } from "./git.js";

export const RESULTS_NAMESPACE = "refs/remotes/remote-exec/";

export interface BranchResult {
  branch: string;
  /** new: no such branch was shipped; updated: the run added commits; unchanged: nothing new. */
  status: "new" | "updated" | "unchanged";
  commit: string;
  /** refs/remotes/remote-exec/<run-id>/<branch> */
  runRef: string;
  /** refs/remotes/remote-exec/<branch>, or null when that alias could not be written. */
  aliasRef: string | null;
  newCommits: { sha: string; subject: string }[];
  filesChanged: string[];
  /** Against the user's local branch of the same name, when there is one. */
  local: { exists: boolean; ahead: number; behind: number; fastForward: boolean } | null;
  note?: string;
}

/** Branch names git would accept, and nothing that could escape refs/heads. */
async function isSafeBranch(git: Git, name: string): Promise<boolean> {
  if (!name || name.startsWith("-")) return false;
  const check = await git.try(["check-ref-format", "--branch", name]);
  return check.exitCode === 0 && check.stdout.trim() === name;
}

export async function integrateResults(input: {
  git: Git;
  bundleFile: string | null;
  runId: string;
  /** The heads that were shipped: ref name → commit. */
  shipped: BundleHead[];
}): Promise<BranchResult[]> {
  const { git, bundleFile, runId, shipped } = input;
  if (!bundleFile) return [];
  const verified = await verifyBundle(git, bundleFile);
  if (!verified.ok) {
    throw new RemoteError(
      "integrate-failed",
      `The results bundle does not apply to this repository: ${verified.message}`,
      "The run's commits are still on the target; fetch them by hand or re-run retrieve after `git fetch`.",
    );
  }
  const heads = await listBundleHeads(git, bundleFile);
  const shippedByBranch = new Map(
    shipped
      .filter((h) => h.ref.startsWith("refs/heads/"))
      .map((h) => [h.ref.slice("refs/heads/".length), h.commit]),
  );
  const shippedCommits = [...new Set(shipped.map((h) => h.commit))];
  const results: BranchResult[] = [];

  for (const head of heads) {
    if (!head.ref.startsWith("refs/heads/")) continue; // a hostile or confused VM: ignore other refs
    const branch = head.ref.slice("refs/heads/".length);
    if (!(await isSafeBranch(git, branch))) continue;
    const runRef = `${RESULTS_NAMESPACE}${runId}/${branch}`;
    await git.run(
      ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", bundleFile, `+${head.ref}:${runRef}`],
      {
        errorCode: "integrate-failed",
        remedy: "Run `amplihack-remote retrieve` again; nothing was changed locally.",
      },
    );
    let aliasRef: string | null = `${RESULTS_NAMESPACE}${branch}`;
    let note: string | undefined;
    const alias = await git.try(["update-ref", aliasRef, head.commit]);
    if (alias.exitCode !== 0) {
      note = `alias ${aliasRef} not written: ${alias.stderr.trim()}`;
      aliasRef = null;
    }
    const before = shippedByBranch.get(branch);
    const newCommits = await listNewCommits(git, head.commit, shippedCommits);
    const status =
      before === undefined
        ? "new"
        : before === head.commit || newCommits.length === 0
          ? "unchanged"
          : "updated";
    const filesChanged = await filesTouched(git, head.commit, shippedCommits);
    results.push({
      branch,
      status,
      commit: head.commit,
      runRef,
      aliasRef,
      newCommits,
      filesChanged,
      local: await compareWithLocal(git, branch, head.commit),
      note,
    });
  }
  return results;
}

async function listNewCommits(git: Git, tip: string, exclude: string[]) {
  const out = await git.run(["log", "--format=%H%x09%s", tip, "--not", ...exclude, "--"]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha, ...rest] = line.split("\t");
      return { sha, subject: rest.join("\t") };
    });
}

/** Files touched by the run's own commits (not by history it started from). */
async function filesTouched(git: Git, tip: string, exclude: string[]): Promise<string[]> {
  const out = await git.run(["log", "--format=", "--name-only", "-z", tip, "--not", ...exclude, "--"]);
  return [...new Set(out.split(/[\0\n]/).filter(Boolean))].sort();
}

async function compareWithLocal(git: Git, branch: string, tip: string) {
  const local = await git.try(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]);
  if (local.exitCode !== 0) return { exists: false, ahead: 0, behind: 0, fastForward: false };
  const localSha = local.stdout.trim();
  const counts = await git.run(["rev-list", "--left-right", "--count", `${localSha}...${tip}`]);
  const [behind, ahead] = counts.trim().split(/\s+/).map(Number);
  // "ahead": commits the result has that the local branch lacks; "behind": the reverse.
  return { exists: true, ahead, behind, fastForward: behind === 0 };
}
