import type { Runner } from "../util/run.js";
import { createGit, type Git } from "./git.js";
import { notARepoError } from "./not-a-repo.js";

export async function repoRootOf(dir: string, runner?: Runner): Promise<string> {
  const out = await createGit(dir, runner).try(["rev-parse", "--show-toplevel"]);
  if (out.exitCode !== 0 || !out.stdout.trim()) {
    throw notARepoError(
      dir,
      out.stderr,
      "Run the scan from a git repository, or pass its path: amplihack-remote scan PATH",
    );
  }
  return out.stdout.trim();
}

export async function hasHead(git: Git): Promise<boolean> {
  return (await git.try(["rev-parse", "--verify", "-q", "HEAD"])).exitCode === 0;
}

/** Tracked files changed against HEAD (all tracked files before the first commit), and untracked ones not ignored. */
export async function uncommittedPaths(
  git: Git,
  withHead: boolean,
): Promise<{ tracked: string[]; untracked: string[] }> {
  const list = async (args: string[]) => (await git.run(args)).split("\0").filter(Boolean);
  const tracked = new Set([
    ...(await list(["ls-files", "-z", "--modified"])),
    ...(withHead
      ? await list(["diff", "-z", "--name-only", "--cached", "HEAD"])
      : await list(["ls-files", "-z"])),
  ]);
  return {
    tracked: [...tracked],
    untracked: await list(["ls-files", "-z", "--others", "--exclude-standard"]),
  };
}
