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
  | "state-unwritable"
  | "local-io"
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
  "state-unwritable": ExitCode.environment,
  "local-io": ExitCode.environment,
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

/** Errors of the machine we run on, not of our code: a user can fix each of them. */
const DENIED = new Set(["EACCES", "EPERM", "EROFS"]);
const FULL = new Set(["ENOSPC", "EDQUOT"]);

/**
 * A Node system error (errno code, syscall, path) an ordinary environment can cause (a directory
 * we may not write, a full disk, a program missing from PATH) as an environment error that names
 * what to fix; undefined for anything else.
 */
export function environmentError(err: unknown): RemoteError | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== "object" || typeof e.code !== "string") return undefined;
  const what = e.path ?? e.syscall ?? "a file";
  if (e.code === "ENOENT" && e.syscall?.startsWith("spawn")) {
    const program = e.syscall.slice("spawn ".length) || e.path || "a program";
    return new RemoteError(
      "missing-tool",
      `${program} is not installed or not on PATH.`,
      `Install ${program} (or add its directory to PATH) and run again.`,
      { cause: err },
    );
  }
  if (DENIED.has(e.code)) {
    return new RemoteError(
      "local-io",
      `Not allowed to write ${what} (${e.code}${e.syscall ? ` on ${e.syscall}` : ""}).`,
      "Make it writable by this user, or run from a directory you own; amplihack-remote's own state goes where AMPLIHACK_REMOTE_STATE_DIR points (a writable directory).",
      { cause: err, details: { errno: e.code, path: e.path ?? null } },
    );
  }
  if (FULL.has(e.code)) {
    return new RemoteError(
      "local-io",
      `No space left to write ${what} (${e.code}).`,
      "Free some disk space (or point TMPDIR and AMPLIHACK_REMOTE_STATE_DIR at a disk with room) and run again.",
      { cause: err, details: { errno: e.code, path: e.path ?? null } },
    );
  }
  return undefined;
}

/** Wraps anything thrown into a RemoteError, keeping RemoteErrors as they are. */
export function asRemoteError(err: unknown): RemoteError {
  if (err instanceof RemoteError) return err;
  const environment = environmentError(err);
  if (environment) return environment;
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
