/**
 * Uncommitted work (tracked changes and untracked, non-ignored files) as a synthetic commit on top
 * of HEAD, made through a throwaway index so the user's working tree, index, stash and branches are
 * never touched. Its objects are written to the run's scratch repository (see scratch-repo.ts), not
 * to the user's .git, and it is pinned there by a ref (refs/amplihack-remote/wip/…) so it can be
 * bundled.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Git } from "./git.js";
import type { ScratchRepo } from "./scratch-repo.js";

export const WIP_REF_PREFIX = "refs/amplihack-remote/wip/";
/** The tree of no files, which git knows without storing it. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

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

/**
 * `isExcluded` names untracked paths that must not ship at all (an untracked `.env` is not work in
 * progress, it is a credential): they are left out of the snapshot. With `headCommit` null (a
 * repository without a commit yet, which `scan` still judges) the snapshot is a root commit.
 */
export async function snapshotWip(
  git: Git,
  headCommit: string | null,
  runId: string,
  isExcluded: (path: string) => boolean,
  scratch: ScratchRepo,
): Promise<WipSnapshot & { leftOut: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "amplihack-wip-"));
  const env: Record<string, string> = { GIT_INDEX_FILE: join(dir, "index"), ...scratch.objectEnv };
  try {
    // Start from a copy of the user's index so git can trust its stat cache and hash only what
    // changed; read-tree would make it rehash every file in the tree.
    const userIndex = (await git.run(["rev-parse", "--path-format=absolute", "--git-path", "index"])).trim();
    const copied = await copyFile(userIndex, env.GIT_INDEX_FILE).then(
      () => true,
      () => false,
    );
    if (!copied) await git.run(["read-tree", ...(headCommit ? [headCommit] : ["--empty"])], { env });
    // -A with the temporary index stages modifications, deletions and untracked files while
    // honouring .gitignore, exactly as `git add -A` would, without touching .git/index.
    await git.run(["add", "-A", "--", "."], { env });
    const untracked = (await git.run(["ls-files", "-z", "--others", "--exclude-standard"]))
      .split("\0")
      .filter(Boolean);
    const leftOut = untracked.filter(isExcluded);
    if (leftOut.length > 0) {
      await git.run(["rm", "-q", "--cached", "--pathspec-from-file=-", "--pathspec-file-nul", "--"], {
        env,
        input: leftOut.map((p) => `${p}\0`).join(""),
      });
    }
    const tree = (await git.run(["write-tree"], { env })).trim();
    const headTree = headCommit ? (await git.run(["rev-parse", `${headCommit}^{tree}`])).trim() : EMPTY_TREE;
    if (tree === headTree) return { commit: null, ref: null, changedPaths: [], leftOut };
    const changed = await git.run(
      ["diff-tree", "-r", "--name-only", "-z", "--no-commit-id", headTree, tree],
      {
        env,
      },
    );
    const fallbackIdentity = !(await hasIdentity(git));
    const identity = fallbackIdentity ? identityEnv(FALLBACK_IDENTITY) : {};
    const commit = (
      await git.run(
        [
          "commit-tree",
          tree,
          ...(headCommit ? ["-p", headCommit] : []),
          "-m",
          "amplihack-remote: uncommitted work snapshot",
        ],
        {
          env: { ...env, ...identity },
        },
      )
    ).trim();
    const ref = `${WIP_REF_PREFIX}${runId}`;
    await scratch.git.run(["update-ref", ref, commit]);
    return { commit, ref, changedPaths: changed.split("\0").filter(Boolean), leftOut, fallbackIdentity };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether git can name an author and a committer from the user's configuration. */
async function hasIdentity(git: Git): Promise<boolean> {
  for (const v of ["GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"]) {
    if ((await git.try(["var", v])).exitCode !== 0) return false;
  }
  return true;
}

export function identityEnv(who: { name: string; email: string }): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
  };
}

/**
 * Drops a pin that runs of earlier versions left in the user's repository (they pinned the snapshot
 * there); runs of this version never write it.
 */
export async function dropWipRef(git: Git, runId: string): Promise<void> {
  await git.try(["update-ref", "-d", `${WIP_REF_PREFIX}${runId}`]);
}
