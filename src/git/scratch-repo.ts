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

/** The user's object directory, absolute (a linked worktree shares its main repository's). */
export async function objectDirOf(git: Git): Promise<string> {
  return (await git.run(["rev-parse", "--path-format=absolute", "--git-path", "objects"])).trim();
}

export async function createScratchRepo(userGit: Git, dir: string, runner?: Runner): Promise<ScratchRepo> {
  const userObjects = await objectDirOf(userGit);
  await mkdir(dir, { recursive: true });
  const git = createGit(dir, runner);
  await git.run(["init", "--quiet", "--bare", "."]);
  await writeFile(join(dir, "objects", "info", "alternates"), `${userObjects}\n`);
  return {
    dir,
    git,
    objectEnv: { GIT_OBJECT_DIRECTORY: join(dir, "objects"), GIT_ALTERNATE_OBJECT_DIRECTORIES: userObjects },
  };
}

/**
 * Copies the user's branches, tags and HEAD (names only: the objects are shared) into the scratch
 * repository, so `git bundle create --branches --tags HEAD` there ships what it would ship from the
 * user's repository.
 */
export async function mirrorRefs(userGit: Git, scratch: ScratchRepo): Promise<void> {
  const refs = await userGit.run([
    "for-each-ref",
    "--format=%(objectname) %(refname)",
    "refs/heads",
    "refs/tags",
  ]);
  const input = refs
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(" ");
      return `update ${line.slice(space + 1)} ${line.slice(0, space)}\n`;
    })
    .join("");
  if (input) await scratch.git.run(["update-ref", "--stdin"], { input });
  const symbolic = await userGit.try(["symbolic-ref", "--quiet", "HEAD"]);
  if (symbolic.exitCode === 0) {
    await scratch.git.run(["symbolic-ref", "HEAD", symbolic.stdout.trim()]);
  } else {
    const head = (await userGit.run(["rev-parse", "--verify", "HEAD^{commit}"])).trim();
    await scratch.git.run(["update-ref", "--no-deref", "HEAD", head]);
  }
}
