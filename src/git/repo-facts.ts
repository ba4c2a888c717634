/**
 * The facts about the user's repository that validation needs before anything slow happens.
 */
import { RemoteError } from "../util/errors.js";
import type { Runner } from "../util/run.js";
import { createGit } from "./git.js";

export interface RepoFacts {
  root: string;
  /** The checked-out branch, or null on a detached HEAD. */
  branch: string | null;
  headCommit: string;
}

export async function readRepoFacts(path: string, runner?: Runner): Promise<RepoFacts> {
  const probe = createGit(path, runner);
  const top = await probe.try(["rev-parse", "--show-toplevel"]);
  if (top.exitCode !== 0) {
    throw new RemoteError(
      "not-a-repo",
      `${path} is not inside a git repository.`,
      "Run amplihack-remote from your project's git repository (or `git init` and commit first).",
    );
  }
  const root = top.stdout.trim();
  const git = createGit(root, runner);
  const head = await git.try(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (head.exitCode !== 0) {
    throw new RemoteError(
      "no-commits",
      `The repository at ${root} has no commits yet.`,
      "Make a first commit (`git add -A && git commit -m init`) so there is something to ship.",
    );
  }
  const symbolic = await git.try(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return {
    root,
    branch: symbolic.exitCode === 0 ? symbolic.stdout.trim() : null,
    headCommit: head.stdout.trim(),
  };
}
