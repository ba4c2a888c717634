/**
 * git bundle create / verify / list-heads. The outbound bundle carries the same refs a clone would
 * get (--branches --tags) plus HEAD and the WIP pin: never refs/remotes (our own remote-exec
 * results included) or refs/stash, and exactly what the secret gate scans.
 */
import type { Git } from "./git.js";

export interface BundleHead {
  ref: string;
  commit: string;
}

export async function createBundle(git: Git, file: string, revs: string[]): Promise<void> {
  await git.run(["bundle", "create", "--quiet", file, ...revs], {
    errorCode: "package-failed",
    remedy: "Check the repository with `git fsck`; a shallow or partial clone cannot be bundled.",
  });
}

export async function verifyBundle(git: Git, file: string): Promise<{ ok: boolean; message: string }> {
  const result = await git.try(["bundle", "verify", "--quiet", file]);
  return { ok: result.exitCode === 0, message: (result.stderr || result.stdout).trim() };
}

export async function listBundleHeads(git: Git, file: string): Promise<BundleHead[]> {
  const out = await git.run(["bundle", "list-heads", file], { errorCode: "package-failed" });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [commit, ref] = line.split(" ");
      return { commit, ref };
    });
}
