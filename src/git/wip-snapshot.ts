/**
 * Uncommitted work (tracked changes and untracked, non-ignored files) as a synthetic commit on top
 * of HEAD, made through a throwaway index so the user's working tree, index, stash and branches are
 * never touched. Its objects are written to the run's scratch repository (see scratch-repo.ts), not
 * to the user's .git, and it is pinned there by a ref (WIP_REF) so it can be bundled.
 *
 * Two steps, so a caller can recognise work it has packaged before: snapshotTree (what the work
 * tree holds, as a tree id) and commitSnapshot (the commit over it, at a date the caller may fix:
 * the same tree, parent, identity and date give the same commit id).
 */
import { copyFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { makeScratchDir } from "../util/scratch-dirs.js";
import type { Git } from "./git.js";
import type { RepoLayout, ScratchRepo } from "./scratch-repo.js";

export const WIP_REF_PREFIX = "refs/amplihack-remote/wip/";
/**
 * The snapshot's ref in a scratch repository. One name for every run (not the run id), so the
 * bundle of the same refs and work is the same file whichever run made it (package/bundle-cache.ts).
 */
export const WIP_REF = `${WIP_REF_PREFIX}snapshot`;
/** The tree of no files, which git knows without storing it. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const MESSAGE = "amplihack-remote: uncommitted work snapshot";

export interface WipSnapshot {
  /** The synthetic commit, or null when the working tree matches HEAD. */
  commit: string | null;
  ref: string | null;
  /** Paths that differ from HEAD (for the summary and the manifest). */
  changedPaths: string[];
  /** True when the user has no git identity and the snapshot was committed as amplihack-remote. */
  fallbackIdentity?: boolean;
}

/** Who the snapshot commit is by when git knows no user.name/user.email. */
export const FALLBACK_IDENTITY = { name: "amplihack-remote", email: "amplihack-remote@localhost" };

export interface SnapshotTreeInput {
  headCommit: string | null;
  layout: Pick<RepoLayout, "indexFile">;
  /** The working tree's changes, listed by the caller (the size check needs them too). */
  changes: { untracked: readonly string[]; modified: readonly string[] };
  /** Untracked paths that must not ship at all (an untracked `.env` is a credential, not work). */
  isExcluded: (path: string) => boolean;
  scratch: ScratchRepo;
}

/** The tree `git add -A` would make of the working tree, minus excluded untracked files. */
export async function snapshotTree(
  git: Git,
  input: SnapshotTreeInput,
): Promise<{ tree: string; leftOut: string[] }> {
  const dir = await makeScratchDir("wip");
  const env: Record<string, string> = { GIT_INDEX_FILE: join(dir, "index"), ...input.scratch.objectEnv };
  try {
    // Start from a copy of the user's index so git can trust its stat cache and hash only what
    // changed; read-tree would make it rehash every file in the tree.
    const copied = await copyFile(input.layout.indexFile, env.GIT_INDEX_FILE).then(
      () => true,
      () => false,
    );
    if (!copied)
      await git.run(["read-tree", ...(input.headCommit ? [input.headCommit] : ["--empty"])], { env });
    const { untracked, modified } = input.changes;
    // Nothing untracked or modified: the index is the snapshot (staged changes and all). A
    // conflicted index cannot be written as a tree; `add -A` then settles it as it would.
    if (copied && untracked.length === 0 && modified.length === 0) {
      const tree = await git.try(["write-tree"], { env });
      if (tree.exitCode === 0) return { tree: tree.stdout.trim(), leftOut: [] };
    }
    const leftOut = untracked.filter(input.isExcluded);
    // -A with the temporary index stages modifications, deletions and untracked files while
    // honouring .gitignore, exactly as `git add -A` would, without touching .git/index. Excluded
    // untracked files are never added (they were not in the index to begin with).
    const pathspecs = [".", ...leftOut.map((p) => `:(exclude,literal)${p}`)];
    await git.run(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], {
      env,
      input: pathspecs.map((p) => `${p}\0`).join(""),
    });
    const tree = (await git.run(["write-tree"], { env })).trim();
    return { tree, leftOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Who commits: the user's identity as git resolves it, or null when git knows none. */
export interface SnapshotIdentity {
  author: string;
  committer: string;
}

export async function snapshotIdentity(git: Git): Promise<SnapshotIdentity | null> {
  const [author, committer] = await Promise.all(
    ["GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"].map((v) => git.try(["var", v])),
  );
  if (author.exitCode !== 0 || committer.exitCode !== 0) return null;
  // "Name <email> 1700000000 +0000": the date is the commit's, set apart.
  const strip = (ident: string) => ident.trim().replace(/ \d+ [+-]\d{4}$/, "");
  return { author: strip(author.stdout), committer: strip(committer.stdout) };
}

/**
 * The snapshot commit over `tree`, dated `date` (git's `@<seconds> +0000`, now when absent), pinned
 * at WIP_REF in the scratch repository by the caller. Returns the commit and its date.
 */
export async function commitSnapshot(
  git: Git,
  input: {
    tree: string;
    headCommit: string | null;
    identity: SnapshotIdentity | null;
    scratch: ScratchRepo;
    date?: string;
  },
): Promise<{ commit: string; date: string }> {
  const date = input.date ?? `@${Math.floor(Date.now() / 1000)} +0000`;
  const who = input.identity
    ? { author: splitIdent(input.identity.author), committer: splitIdent(input.identity.committer) }
    : { author: FALLBACK_IDENTITY, committer: FALLBACK_IDENTITY };
  const env = {
    ...input.scratch.objectEnv,
    GIT_AUTHOR_NAME: who.author.name,
    GIT_AUTHOR_EMAIL: who.author.email,
    GIT_COMMITTER_NAME: who.committer.name,
    GIT_COMMITTER_EMAIL: who.committer.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const parent = input.headCommit ? ["-p", input.headCommit] : [];
  const commit = (await git.run(["commit-tree", input.tree, ...parent, "-m", MESSAGE], { env })).trim();
  return { commit, date };
}

/** Paths that differ between two trees. */
export async function changedPaths(
  git: Git,
  scratch: ScratchRepo,
  from: string,
  to: string,
): Promise<string[]> {
  const out = await git.run(["diff-tree", "-r", "--name-only", "-z", "--no-commit-id", from, to], {
    env: scratch.objectEnv,
  });
  return out.split("\0").filter(Boolean);
}

function splitIdent(ident: string): { name: string; email: string } {
  const m = /^(.*?) ?<([^>]*)>$/.exec(ident);
  return m ? { name: m[1], email: m[2] } : { name: ident, email: "" };
}

/**
 * Drops a pin that runs of earlier versions left in the user's repository (they pinned the snapshot
 * there); runs of this version never write it.
 */
export async function dropWipRef(git: Git, runId: string): Promise<void> {
  await git.try(["update-ref", "-d", `${WIP_REF_PREFIX}${runId}`]);
}
