/**
 * The local target: a sandbox directory on this machine stands in for the VM ("test locally
 * first"). It runs the very same remote scripts as a VM does, with bash in that directory, so a
 * run here exercises the whole pipeline except Azure.
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runDir } from "../../remote/protocol.js";
import { scrubbedAgentEnv } from "../../util/credentials.js";
import { RemoteError } from "../../util/errors.js";
import { defaultRunner, defaultStreamRunner, type Runner, type StreamRunner } from "../../util/run.js";
import { linesUntilExit } from "../../util/stream-lines.js";
import type {
  ExecOptions,
  ExecResult,
  Lease,
  Machine,
  StreamExecOptions,
  StreamExecResult,
  Target,
} from "../types.js";

/** Tools the remote scripts use; tmux is optional (setsid is the fallback). */
const REQUIRED_TOOLS = ["bash", "git", "tar", "gzip", "sha256sum", "timeout", "mkfifo", "setsid"];

export class LocalMachine implements Machine {
  readonly target = "local" as const;
  readonly name = "local";
  readonly vm = null;
  constructor(
    readonly home: string,
    private readonly runner: Runner = defaultRunner,
    private readonly streamRunner: StreamRunner = defaultStreamRunner,
  ) {}

  get howToReach(): string {
    return `cd ${join(this.home, ".amplihack-remote")}`;
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    await mkdir(this.home, { recursive: true });
    const r = await this.runner("bash", ["-c", script], {
      cwd: this.home,
      // What the agent inherits here: none of a surrounding Claude Code session's variables (a
      // nested Claude Code would join that session), and no credential (they come by the FIFO).
      env: scrubbedAgentEnv(process.env),
      extendEnv: false,
      input: options.input,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    if (r.failedToStart) {
      throw new RemoteError("missing-tool", `Could not run bash: ${r.stderr.trim()}`, "Install bash.");
    }
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  async stream(
    script: string,
    onLine: (line: string) => void,
    options: StreamExecOptions = {},
  ): Promise<StreamExecResult> {
    await mkdir(this.home, { recursive: true });
    const child = this.streamRunner("bash", ["-c", script], {
      cwd: this.home,
      env: scrubbedAgentEnv(process.env),
      extendEnv: false,
      signal: options.signal,
      stdin: options.input !== undefined,
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const exit = await linesUntilExit(child, onLine);
    if (exit.failedToStart) {
      throw new RemoteError("missing-tool", `Could not run bash: ${exit.stderrTail.trim()}`, "Install bash.");
    }
    return { exitCode: exit.exitCode, stderrTail: exit.stderrTail };
  }

  async upload(localFile: string, remotePath: string): Promise<void> {
    const dest = join(this.home, remotePath);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(localFile, dest);
  }

  async download(remotePath: string, localFile: string): Promise<void> {
    try {
      await copyFile(join(this.home, remotePath), localFile);
    } catch (err) {
      throw new RemoteError(
        "transfer-failed",
        `Could not copy ${remotePath} from the local sandbox: ${(err as Error).message}`,
        `Look in ${this.home} for the run's files.`,
      );
    }
  }
}

export class LocalTarget implements Target {
  readonly name = "local" as const;
  readonly pollSeconds = 1;
  readonly needsAgentTooling = false;
  readonly machine: LocalMachine;

  constructor(home: string, runner: Runner = defaultRunner, stream?: StreamRunner) {
    this.machine = new LocalMachine(home, runner, stream);
  }

  async validate(signal?: AbortSignal): Promise<void> {
    const check = REQUIRED_TOOLS.map((t) => `command -v ${t} >/dev/null 2>&1 || echo ${t}`).join("; ");
    const r = await this.machine.exec(check, { signal });
    const missing = r.stdout.split("\n").filter(Boolean);
    if (missing.length > 0) {
      throw new RemoteError(
        "missing-tool",
        `The local target needs ${missing.join(", ")} on PATH.`,
        "Install them (on Debian/Ubuntu: apt-get install coreutils git tar tmux) and retry.",
      );
    }
  }

  async attach(record: { runId: string }): Promise<Lease> {
    return this.acquire(record);
  }

  async acquire(request: { runId: string }): Promise<Lease> {
    const machine = this.machine;
    return {
      machine,
      created: false,
      reused: false,
      async release({ keep }) {
        if (keep) {
          return {
            deleted: false,
            kept: true,
            message: `Run files kept in ${join(machine.home, runDir(request.runId))}`,
          };
        }
        await rm(join(machine.home, runDir(request.runId)), { recursive: true, force: true });
        return { deleted: true, kept: false, message: "Local sandbox run directory removed." };
      },
    };
  }
}
