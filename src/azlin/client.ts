/**
 * A typed adapter over the azlin CLI: each method builds the argv, runs azlin through the Runner
 * (AZLIN_NO_UPDATE_CHECK=1, stdin closed unless we pass input), parses JSON with zod, and turns
 * failures into RemoteErrors. Policy (reuse, retries, what to delete) belongs to the callers.
 */
import { RemoteError } from "../util/errors.js";
import {
  defaultRunner,
  defaultStreamRunner,
  type Runner,
  type SpawnResult,
  type StreamRunner,
} from "../util/run.js";
import { linesUntilExit } from "../util/stream-lines.js";
import {
  connectArgs,
  connectHint,
  cpArgs,
  killArgs,
  listArgs,
  type NewVmSpec,
  newArgs,
  showArgs,
  tagAddArgs,
  versionArgs,
} from "./argv.js";
import { classifyAzlinFailure, type FailureContext } from "./classify.js";
import { AZLIN_ENV, type AzlinConfig, azlinConfigFromEnv, WITHOUT_CREDENTIALS } from "./config.js";
import { type ListedVm, listDocumentSchema, type VmDetails, vmDetailsSchema } from "./schemas.js";
import { type AzlinVersion, requireSupportedVersion } from "./version.js";

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ConnectResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Default bounds: every az call inside azlin dies at 120 s, so a few minutes covers the rest. */
export const AZLIN_TIMEOUTS = {
  quick: 5 * 60_000,
  /** `new` waits for ssh, cloud-init and egress: 4-7 min, more with a Bastion to create. */
  create: 30 * 60_000,
  kill: 10 * 60_000,
  copy: 30 * 60_000,
} as const;

/** Lines azlin itself prints (not the remote command) when connect fails before ssh runs. */
const CONNECT_OWN_ERROR =
  /^Error: (?:No VM or tmux session named|❌ Azure error|Azure authentication failed|No resource group configured|No bastion host found)/;

export class AzlinClient {
  readonly config: AzlinConfig;
  private readonly runner: Runner;
  private readonly stream: StreamRunner;
  private readonly env: Record<string, string | undefined>;

  constructor(
    options: { runner?: Runner; stream?: StreamRunner; config?: AzlinConfig; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.runner = options.runner ?? defaultRunner;
    this.stream = options.stream ?? defaultStreamRunner;
    this.config = options.config ?? azlinConfigFromEnv(options.env);
    // Tests hand us a whole environment (PATH to the fake, AZLIN_CONFIG_DIR...); it extends ours.
    this.env = { ...(options.env ?? {}), ...WITHOUT_CREDENTIALS, ...AZLIN_ENV };
  }

  get resourceGroup(): string | undefined {
    return this.config.resourceGroup;
  }

  /** Runs azlin with `args`; never throws (the Runner does not), callers classify. */
  run(args: readonly string[], options: CallOptions & { input?: string } = {}): Promise<SpawnResult> {
    return this.runner(this.config.binary, args, {
      env: this.env,
      input: options.input,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  }

  private fail(result: SpawnResult, ctx: Omit<FailureContext, "binary" | "resourceGroup">): RemoteError {
    return classifyAzlinFailure(result, {
      ...ctx,
      binary: this.config.binary,
      resourceGroup: this.resourceGroup,
    });
  }

  private async runOk(
    args: string[],
    ctx: Omit<FailureContext, "binary" | "resourceGroup">,
    options: CallOptions,
  ) {
    const result = await this.run(args, {
      timeoutMs: options.timeoutMs ?? AZLIN_TIMEOUTS.quick,
      signal: options.signal,
    });
    if (result.exitCode !== 0 || result.timedOut || result.canceled || result.failedToStart)
      throw this.fail(result, ctx);
    return result;
  }

  /** `azlin --version`, checked against the versions we speak. */
  async version(options: CallOptions = {}): Promise<AzlinVersion> {
    const result = await this.runOk(
      versionArgs(),
      { operation: "--version" },
      { timeoutMs: 60_000, ...options },
    );
    return requireSupportedVersion(result.stdout);
  }

  /** Every VM of the resource group, stopped ones included. */
  async listVms(options: CallOptions = {}): Promise<ListedVm[]> {
    const result = await this.runOk(listArgs(this.resourceGroup), { operation: "list" }, options);
    return parseJson(result.stdout, listDocumentSchema, "list").vms;
  }

  /** One VM with tags and created_time; null when Azure says it does not exist. */
  async showVm(name: string, options: CallOptions = {}): Promise<VmDetails | null> {
    const result = await this.run(showArgs(name, this.resourceGroup), {
      timeoutMs: options.timeoutMs ?? AZLIN_TIMEOUTS.quick,
      signal: options.signal,
    });
    if (result.exitCode === 0 && !result.timedOut) return parseJson(result.stdout, vmDetailsSchema, "show");
    const error = this.fail(result, { operation: "show", vmName: name });
    if (error.code === "azlin-not-found") return null;
    throw error;
  }

  /**
   * `azlin new`. Throws the classified error when it fails; a create that failed or timed out may
   * still have made the VM (az's 120 s cap), which the caller checks with showVm.
   */
  async createVm(spec: NewVmSpec, options: CallOptions = {}): Promise<void> {
    await this.runOk(
      newArgs(spec, this.resourceGroup),
      { operation: "new", vmName: spec.name, vmSize: spec.vmSize, region: spec.region },
      { timeoutMs: AZLIN_TIMEOUTS.create, ...options },
    );
  }

  async addTags(name: string, tags: Record<string, string>, options: CallOptions = {}): Promise<void> {
    await this.runOk(
      tagAddArgs(name, tags, this.resourceGroup),
      { operation: "tag add", vmName: name },
      options,
    );
  }

  /**
   * Runs one shell command on the VM. The command's own exit code is returned; ssh failing (255)
   * and azlin's own errors (unknown VM, auth) are thrown.
   */
  async connect(
    name: string,
    command: string,
    options: CallOptions & { input?: string } = {},
  ): Promise<ConnectResult> {
    const result = await this.run(connectArgs(name, command, this.resourceGroup), options);
    const ownError = result.exitCode === 1 && result.stdout === "" && CONNECT_OWN_ERROR.test(result.stderr);
    if (result.exitCode === 255 || ownError || result.timedOut || result.canceled || result.failedToStart) {
      throw this.fail(result, { operation: "connect", vmName: name });
    }
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * `connect` whose stdout is handed on line by line as the command prints it: one long-lived
   * connection instead of one per question. Throws like connect when ssh drops (255) or azlin
   * fails; a cancelled signal resolves with `canceled` set.
   */
  async connectStream(
    name: string,
    command: string,
    onLine: (line: string) => void,
    options: { signal?: AbortSignal; input?: string } = {},
  ): Promise<ConnectResult & { canceled: boolean }> {
    const child = this.stream(this.config.binary, connectArgs(name, command, this.resourceGroup), {
      env: this.env,
      signal: options.signal,
      stdin: options.input !== undefined,
    });
    // ssh carries it to the script's stdin, never a command line; closed after it.
    if (options.input !== undefined) child.stdin?.end(options.input);
    const exit = await linesUntilExit(child, onLine);
    if (exit.canceled)
      return { exitCode: exit.exitCode, stdout: "", stderr: exit.stderrTail, canceled: true };
    const result: SpawnResult = {
      command: this.config.binary,
      args: [],
      exitCode: exit.exitCode,
      stdout: "",
      stderr: exit.stderrTail,
      timedOut: false,
      canceled: false,
      failedToStart: exit.failedToStart,
    };
    const ownError = exit.exitCode === 1 && CONNECT_OWN_ERROR.test(exit.stderrTail);
    if (exit.exitCode === 255 || ownError || exit.failedToStart) {
      throw this.fail(result, { operation: "connect", vmName: name });
    }
    return { exitCode: exit.exitCode, stdout: "", stderr: exit.stderrTail, canceled: false };
  }

  /** `azlin cp SOURCE DESTINATION` (one side `VM:PATH`); local paths should be absolute. */
  async copy(source: string, destination: string, vmName: string, options: CallOptions = {}): Promise<void> {
    await this.runOk(
      cpArgs(source, destination, this.resourceGroup),
      { operation: "cp", vmName },
      { timeoutMs: AZLIN_TIMEOUTS.copy, ...options },
    );
  }

  /** `azlin kill NAME --force`; a VM that does not exist is success (azlin exits 0). */
  async killVm(name: string, options: CallOptions = {}): Promise<void> {
    await this.runOk(
      killArgs(name, this.resourceGroup),
      { operation: "kill", vmName: name },
      {
        timeoutMs: AZLIN_TIMEOUTS.kill,
        ...options,
      },
    );
  }

  /** What a user types to reach the VM by hand. */
  howToReach(name: string): string {
    return connectHint(name, this.resourceGroup);
  }
}

function parseJson<T>(stdout: string, schema: { parse(v: unknown): T }, what: string): T {
  try {
    return schema.parse(JSON.parse(stdout));
  } catch (err) {
    throw new RemoteError(
      "azlin-version",
      `azlin ${what} -o json printed something amplihack-remote cannot read (${(err as Error).message.split("\n")[0]}).`,
      "amplihack-remote speaks azlin 2.7.x; check `azlin --version`, update with `azlin update`, and retry.",
      { cause: err },
    );
  }
}
