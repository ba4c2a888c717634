/**
 * Runs the real CLI from source in a child process, as a user would (argv, env, exit code,
 * stdout/stderr), without needing a build.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

export const CLI_ENTRY = resolve("src/cli/main.ts");
/** tsx by absolute URL: `--import tsx` would be resolved from the test repository's directory. */
const TSX = import.meta.resolve("tsx");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): {
  child: ChildProcess;
  done: Promise<CliResult>;
  output: () => { stdout: string; stderr: string };
} {
  const child = spawn(process.execPath, ["--import", TSX, CLI_ENTRY, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((res) =>
    child.on("close", (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { child, done, output: () => ({ stdout, stderr }) };
}

export function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return startCli(args, options).done;
}
