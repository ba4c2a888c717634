/**
 * Runs git for the other git/ modules. A failure becomes a RemoteError naming the git command and
 * git's own words, because "git failed" alone tells a user nothing.
 */
import { type ErrorCode, RemoteError } from "../util/errors.js";
import { defaultRunner, type Runner, type SpawnOptions } from "../util/run.js";

export interface Git {
  /** Runs git and returns stdout; throws a RemoteError on a non-zero exit. */
  run(args: string[], options?: SpawnOptions & { errorCode?: ErrorCode; remedy?: string }): Promise<string>;
  /** Runs git and returns the exit code and output, never throwing. */
  try(args: string[], options?: SpawnOptions): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  readonly cwd: string;
}

export function createGit(cwd: string, runner: Runner = defaultRunner): Git {
  return {
    cwd,
    async run(args, options = {}) {
      const { errorCode, remedy, ...runOptions } = options;
      const result = await runner("git", args, { cwd, ...runOptions });
      if (result.exitCode !== 0) {
        const stderr = result.stderr.trim();
        const missing = missingObjectsError(
          `git ${args[0]} failed (exit ${result.exitCode}): ${stderr}`,
          stderr,
        );
        if (missing) throw missing;
        throw new RemoteError(
          errorCode ?? "internal",
          `git ${args[0]} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
          remedy ?? "Check that the repository is healthy (`git fsck`) and try again.",
          { details: { gitArgs: args } },
        );
      }
      return result.stdout;
    },
    async try(args, options = {}) {
      const result = await runner("git", args, { cwd, ...options });
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/**
 * Objects the history names are not in the repository: a partial clone whose promisor setting was
 * removed (its packs still marked .promisor) or a damaged one. A problem of the repository, with
 * its remedy, wherever git meets it (listing, scanning, bundling), not a bug of ours.
 */
export function missingObjectsError(message: string, stderr: string): RemoteError | null {
  if (
    !/missing (?:blob|tree|commit|tag) object|unable to read [0-9a-f]{7,}|bad object [0-9a-f]{7,}/.test(
      stderr,
    )
  )
    return null;
  return new RemoteError(
    "not-a-repo",
    message,
    "The repository lacks objects its history names: a partial clone whose promisor setting was removed, or a damaged one. Fetch every object from the remote it was cloned from (`git fetch --refetch origin`, git 2.36 or later), or see what is missing with `git fsck`, then retry.",
  );
}
