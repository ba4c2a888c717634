/**
 * The one place that spawns processes (test/architecture/layers.test.ts holds every other module
 * to it). Everything else takes a Runner, or a StreamRunner for output read as it comes, so tests
 * can record argv (to prove no secret is ever on a command line) and so cancellation reaches every
 * child that is given a signal.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { execa } from "execa";

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the whole environment instead of extending process.env. */
  extendEnv?: boolean;
  /** Data written to the child's stdin; stdin is closed (not inherited) when absent. */
  input?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Keep stdout as a Buffer (binary data such as `git cat-file`). */
  binary?: boolean;
  maxBuffer?: number;
}

export interface SpawnResult {
  command: string;
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutBuffer?: Buffer;
  timedOut: boolean;
  canceled: boolean;
  /** The process could not be started at all (ENOENT...). */
  failedToStart: boolean;
}

export type Runner = (
  command: string,
  args: readonly string[],
  options?: SpawnOptions,
) => Promise<SpawnResult>;

export const defaultRunner: Runner = async (command, args, options = {}) => {
  const result = await execa(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    stdin: options.input === undefined ? "ignore" : undefined,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    forceKillAfterDelay: 5_000,
    reject: false,
    stripFinalNewline: false,
    encoding: options.binary ? "buffer" : "utf8",
    maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024,
  });
  const failedToStart = result.exitCode === undefined && !result.timedOut && !result.isCanceled;
  const stdoutBuffer = options.binary ? Buffer.from(result.stdout as unknown as Uint8Array) : undefined;
  const out: SpawnResult = {
    command,
    args: [...args],
    exitCode: result.exitCode ?? (result.timedOut ? 124 : 127),
    stdout: options.binary ? "" : String(result.stdout ?? ""),
    stderr: String(result.stderr ?? (failedToStart ? result.message : "")),
    stdoutBuffer,
    timedOut: Boolean(result.timedOut),
    canceled: Boolean(result.isCanceled),
    failedToStart,
  };
  if (failedToStart && !out.stderr) out.stderr = result.message ?? "failed to start";
  // Never throws on a non-zero exit: each caller knows what a failure of its command means.
  return out;
};

export interface StreamOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the whole environment instead of extending process.env. */
  extendEnv?: boolean;
  signal?: AbortSignal;
  /** Give the child a stdin pipe to write to; stdin is closed when false or absent. */
  stdin?: boolean;
}

export interface StreamExit {
  exitCode: number;
  /** The last 2 KB of stderr, for the error message. */
  stderrTail: string;
  canceled: boolean;
  failedToStart: boolean;
}

/** A child whose output is consumed as it is produced (`git cat-file --batch` over a whole history). */
export interface StreamingProcess {
  stdout: Readable;
  stdin: Writable | null;
  /** Settles when the child has exited; never rejects. */
  exited: Promise<StreamExit>;
  /** Stops the child early (the consumer has what it needs). */
  kill(): void;
}

/** The streaming counterpart of Runner: same recording and swapping, output as a stream. */
export type StreamRunner = (
  command: string,
  args: readonly string[],
  options?: StreamOptions,
) => StreamingProcess;

export const defaultStreamRunner: StreamRunner = (command, args, options = {}) => {
  const child = execa(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    buffer: false,
    reject: false,
    stdin: options.stdin ? "pipe" : "ignore",
    stdout: "pipe",
    stderr: "pipe",
    cancelSignal: options.signal,
    forceKillAfterDelay: 2_000,
  });
  // Read stderr from the start: an unread pipe would stall the child once it fills.
  let tail = "";
  child.stderr?.on("data", (d: Buffer) => {
    tail = (tail + d.toString()).slice(-2000);
  });
  // A child exiting early surfaces through its exit code, not as an EPIPE on our side.
  child.stdin?.on("error", () => {});
  const exited = child.then((r) => ({
    exitCode: r.exitCode ?? (r.isCanceled ? 130 : 127),
    stderrTail: tail || (r.exitCode === undefined ? (r.message ?? "") : ""),
    canceled: Boolean(r.isCanceled),
    failedToStart: r.exitCode === undefined && !r.isCanceled && !r.isTerminated,
  }));
  return {
    stdout: child.stdout!,
    stdin: child.stdin ?? null,
    exited,
    kill: () => {
      child.kill();
    },
  };
};

/**
 * A Runner (and its streaming counterpart) that records every argv it passes on, in one list;
 * tests grep these for secrets.
 */
export function recordingRunner(
  inner: Runner = defaultRunner,
  innerStream: StreamRunner = defaultStreamRunner,
) {
  const calls: { command: string; args: string[]; cwd?: string }[] = [];
  const runner: Runner = (command, args, options) => {
    calls.push({ command, args: [...args], cwd: options?.cwd });
    return inner(command, args, options);
  };
  const stream: StreamRunner = (command, args, options) => {
    calls.push({ command, args: [...args], cwd: options?.cwd });
    return innerStream(command, args, options);
  };
  return { runner, stream, calls };
}

export interface DetachedOptions {
  cwd?: string;
  /** The whole environment of the child (it does not extend ours: the caller decides). */
  env: Record<string, string | undefined>;
  /** stdout and stderr are appended here; stdin is closed. */
  logFile: string;
}

/**
 * Starts a process that outlives us: its own session (so a signal to our process group or the
 * end of our terminal does not reach it), no pipe back to us, not waited for. Returns its pid.
 */
export function spawnDetached(command: string, args: readonly string[], options: DetachedOptions): number {
  const fd = openSync(options.logFile, "a", 0o600);
  try {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
