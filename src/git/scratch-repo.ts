/**
 * A throwaway repository that borrows the user's object store (as an alternate) and keeps its own:
 * whatever a run writes (the snapshot of uncommitted work, objects checked before import) goes
 * there, so a run never grows or touches the user's .git, whatever its outcome. It lives in a
 * temporary directory the caller removes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Runner } from "../util/run.js";
import { createGit, type Git } from "./git.js";

export interface ScratchRepo {
  /** The scratch repository's git directory (bare). */
  dir: string;
  git: Git;
  /**
   * For git commands run in the user's repository: their new objects land in the scratch store,
   * and everything the user has stays readable.
   */
  objectEnv: { GIT_OBJECT_DIRECTORY: string; GIT_ALTERNATE_OBJECT_DIRECTORIES: string };
}

/** Where the user's repository keeps things, and what its HEAD is, read in one git call. */
export interface RepoLayout {
  /** The object directory, absolute (a linked worktree shares its main repository's). */
  objectsDir: string;
  /** The index file, absolute. */
  indexFile: string;
  /** HEAD's tree (null without a commit). */
  headTree: string | null;
  /** The branch HEAD names (refs/heads/...), or null on a detached HEAD or without a commit. */
  headRef: string | null;
}

export async function readRepoLayout(git: Git, withHead: boolean): Promise<RepoLayout> {
  const head = withHead ? ["HEAD^{tree}", "--symbolic-full-name", "HEAD"] : [];
  const [objectsDir, indexFile, headTree, headRef] = (
    await git.run([
      "rev-parse",
      "--path-format=absolute",
      "--git-path",
      "objects",
      "--git-path",
      "index",
      ...head,
    ])
  )
    .trim()
    .split("\n");
  return {
    objectsDir,
    indexFile,
    headTree: withHead ? headTree : null,
    headRef: withHead && headRef?.startsWith("refs/heads/") ? headRef : null,
  };
}

/** The user's object directory, absolute (a linked worktree shares its main repository's). */
export async function objectDirOf(git: Git): Promise<string> {
  return (await git.run(["rev-parse", "--path-format=absolute", "--git-path", "objects"])).trim();
}

/**
 * `headRef` becomes the scratch repository's symbolic HEAD at creation, so mirroring the user's
 * refs later is a single `update-ref --stdin`.
 */
export async function createScratchRepo(
  userGit: Git,
  dir: string,
  options: { runner?: Runner; objectsDir?: string; headRef?: string | null } = {},
): Promise<ScratchRepo> {
  const git = createGit(dir, options.runner);
  // Where the user's objects are, asked while the repository is laid out.
  const [userObjects] = await Promise.all([
    options.objectsDir ?? objectDirOf(userGit),
    // Without a branch (a detached HEAD, mirrored later), HEAD names a ref outside refs/heads that
    // no user ref can be: mirroring a branch must never update HEAD through it.
    layOutBareRepo(dir, options.headRef ?? "refs/amplihack-remote/scratch-head"),
  ]);
  await writeFile(join(dir, "objects", "info", "alternates"), `${userObjects}\n`);
  return {
    dir,
    git,
    objectEnv: { GIT_OBJECT_DIRECTORY: join(dir, "objects"), GIT_ALTERNATE_OBJECT_DIRECTORIES: userObjects },
  };
}

/**
 * A bare repository as `git init --bare` lays it out, less the samples it copies from its templates
 * (hooks, description, info/exclude), which no git command needs (gitrepository-layout(5)): written
 * here, it costs no git process. Every run makes scratch repositories, on the way out (packaging)
 * and on the way home (the import), and a git start-up is tens of milliseconds on a busy machine.
 */
async function layOutBareRepo(dir: string, headRef: string): Promise<void> {
  await Promise.all(
    ["objects/info", "objects/pack", "refs/heads", "refs/tags"].map((d) =>
      mkdir(join(dir, d), { recursive: true }),
    ),
  );
  await Promise.all([
    writeFile(join(dir, "HEAD"), `ref: ${headRef}\n`),
    writeFile(
      join(dir, "config"),
      "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n",
    ),
  ]);
}

export interface RefTip {
  ref: string;
  commit: string;
}

/** The user's branches and tags with the objects they point at, sorted by name. */
export async function branchAndTagTips(userGit: Git): Promise<RefTip[]> {
  const out = await userGit.run([
    "for-each-ref",
    "--format=%(objectname) %(refname)",
    "refs/heads",
    "refs/tags",
  ]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(" ");
      return { ref: line.slice(space + 1), commit: line.slice(0, space) };
    });
}

/**
 * Writes the user's branches and tags (names only: the objects are shared), more refs of ours, and
 * a detached HEAD into the scratch repository in one `update-ref`, so `git bundle create --branches
 * --tags HEAD` there ships what it would ship from the user's repository. A symbolic HEAD was set
 * when the repository was made (createScratchRepo's headRef).
 */
export async function mirrorRefs(
  scratch: ScratchRepo,
  refs: readonly RefTip[],
  detachedHead: string | null,
): Promise<void> {
  const lines = refs.map((r) => `update ${r.ref} ${r.commit}\n`);
  if (detachedHead) lines.push(`update HEAD ${detachedHead}\n`);
  if (lines.length === 0) return;
  await scratch.git.run(["update-ref", ...(detachedHead ? ["--no-deref"] : []), "--stdin"], {
    input: lines.join(""),
  });
}
