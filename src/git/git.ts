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
