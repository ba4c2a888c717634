/**
 * Every failure a user can see is a RemoteError: what went wrong, what to do next, and the exit
 * code the CLI uses. The MCP server returns the same message and remedy as an isError result, so a
 * user reads the same words in a terminal and in Claude Code.
 */

/** Exit codes of the CLI; documented in the README ("Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** The agent ran and exited non-zero, or the run failed on the target. */
  runFailed: 1,
  /** Bad options or arguments: nothing was started. */
  usage: 2,
  /** The secret gate blocked the upload. */
  secretFound: 3,
  /** The local environment is not ready (git, azlin, credential, tmux...). */
  environment: 4,
  /** The target (VM, azlin, ssh, transfer) failed. */
  target: 5,
  /** The agent hit the timeout. */
  timedOut: 6,
  /** The user interrupted us (Ctrl-C, SIGTERM) or killed the run. */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | "usage"
  | "not-a-repo"
  | "no-commits"
  | "no-claude-dir"
  | "no-credential"
  | "missing-tool"
  | "secret-found"
  | "too-large"
  | "package-failed"
  | "azlin-missing"
  | "azlin-version"
  | "azlin-auth"
  | "azlin-no-rg"
  | "azlin-quota"
  | "azlin-sku"
  | "azlin-not-found"
  | "azlin-timeout"
  | "azlin-ssh"
  | "azlin-failed"
  | "transfer-failed"
  | "remote-failed"
  | "run-not-found"
  | "integrate-failed"
  | "state-corrupt"
  | "state-locked"
  | "interrupted"
  | "unsafe-archive"
  | "internal";

export const exitCodeFor: Record<ErrorCode, ExitCodeValue> = {
  usage: ExitCode.usage,
  "not-a-repo": ExitCode.environment,
  "no-commits": ExitCode.environment,
  "no-claude-dir": ExitCode.environment,
  "no-credential": ExitCode.environment,
  "missing-tool": ExitCode.environment,
  "secret-found": ExitCode.secretFound,
  "too-large": ExitCode.usage,
  "package-failed": ExitCode.environment,
  "azlin-missing": ExitCode.environment,
  "azlin-version": ExitCode.environment,
  "azlin-auth": ExitCode.environment,
  "azlin-no-rg": ExitCode.environment,
  "azlin-quota": ExitCode.target,
  "azlin-sku": ExitCode.target,
  "azlin-not-found": ExitCode.target,
  "azlin-timeout": ExitCode.target,
  "azlin-ssh": ExitCode.target,
  "azlin-failed": ExitCode.target,
  "transfer-failed": ExitCode.target,
  "remote-failed": ExitCode.target,
  "run-not-found": ExitCode.usage,
  "integrate-failed": ExitCode.runFailed,
  "state-corrupt": ExitCode.environment,
  "state-locked": ExitCode.environment,
  interrupted: ExitCode.interrupted,
  "unsafe-archive": ExitCode.target,
  internal: ExitCode.runFailed,
};

export class RemoteError extends Error {
  readonly code: ErrorCode;
  readonly remedy: string;
  readonly exitCode: ExitCodeValue;
  /** Extra structured facts for --json and MCP (never secrets). */
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    remedy: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "RemoteError";
    this.code = code;
    this.remedy = remedy;
    this.exitCode = exitCodeFor[code];
    this.details = options.details ?? {};
  }

  /** The two lines a user sees: the problem, then what to do about it. */
  toUserText(): string {
    return this.remedy ? `${this.message}\n  → ${this.remedy}` : this.message;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      remedy: this.remedy,
      exitCode: this.exitCode,
      ...this.details,
    };
  }
}

/** Wraps anything thrown into a RemoteError, keeping RemoteErrors as they are. */
export function asRemoteError(err: unknown): RemoteError {
  if (err instanceof RemoteError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RemoteError(
    "internal",
    `Unexpected error: ${message}`,
    "This is a bug in amplihack-remote; please report it with the run log.",
    {
      cause: err,
    },
  );
}
