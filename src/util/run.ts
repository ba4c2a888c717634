/**
 * The one place that spawns processes. Everything else takes a Runner, so tests can record argv
 * (to prove no secret is ever on a command line) and so cancellation reaches every child.
 */
import { execa } from "execa";

export interface RunOptions {
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

export interface RunResult {
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

export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

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
  const out: RunResult = {
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

/** A Runner that records every argv it passes on; tests grep these for secrets. */
export function recordingRunner(inner: Runner = defaultRunner) {
  const calls: { command: string; args: string[]; cwd?: string }[] = [];
  const runner: Runner = (command, args, options) => {
    calls.push({ command, args: [...args], cwd: options?.cwd });
    return inner(command, args, options);
  };
  return { runner, calls };
}
