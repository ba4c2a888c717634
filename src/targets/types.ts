/**
 * Where a run happens. A target carries out what core/ decides: it finds or makes a machine,
 * moves files, runs bash there, and gives the machine back. Both targets run the same scripts from
 * src/remote/, so what the local target proves holds for a VM.
 */

/** The targets there are; core/options.ts offers them as the `target` option. */
export const TARGET_NAMES = ["local", "azlin"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** What a target needs to know of a run's options to find or make its machine (core/options.ts RunOptions has them). */
export interface MachineRequest {
  vmName?: string;
  vmSize: string;
  region?: string;
  noReuse: boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the script's stdin: the only way secrets travel (never argv, never a file). */
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StreamExecOptions {
  signal?: AbortSignal;
  /** Written to the script's stdin, which is then closed (the start's credentials, as for exec). */
  input?: string;
}

export interface UploadOptions {
  /**
   * The caller checks the file's sha256 on the machine in the script it runs next (the start
   * script does), so the upload is the copy alone: one connection fewer per upload. The remote
   * path must then be a plain name in the home directory.
   */
  checkedByCaller?: boolean;
}

/** How a streamed script ended: its exit code (ssh dropping the link throws instead). */
export interface StreamExecResult {
  exitCode: number;
  stderrTail: string;
}

/** A machine we can use: a VM, or a sandbox directory here. Paths are relative to its home. */
export interface Machine {
  readonly target: TargetName;
  /** The VM name, or "local". */
  readonly name: string;
  /** The VM's name when the machine is a VM, null for the local sandbox (summaries show it). */
  readonly vm: string | null;
  /** Runs `script` with bash in the machine's home directory. */
  exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs `script` like exec, but hands each line of its stdout to `onLine` as it is printed
   * (one long-lived connection, for watching a run). A dropped link throws (azlin-ssh) with the
   * lines before it already delivered; a cancelled signal ends the script and resolves.
   */
  stream(
    script: string,
    onLine: (line: string) => void,
    options?: StreamExecOptions,
  ): Promise<StreamExecResult>;
  upload(localFile: string, remotePath: string, signal?: AbortSignal, options?: UploadOptions): Promise<void>;
  download(remotePath: string, localFile: string, signal?: AbortSignal): Promise<void>;
  /**
   * The sha256 a script on the machine printed for one of its files, so a later download of it
   * need not spend a connection asking (it is still checked against the copy). Optional: a
   * machine where asking costs nothing ignores it.
   */
  rememberChecksum?(remotePath: string, sha256: string): void;
  /**
   * A file of the machine's that arrived by another way (the watcher sends the results archive at
   * the end of a run it follows), so the next download of it is served from here without a
   * connection. Optional: a machine where copying costs nothing does not offer it.
   */
  rememberDownload?(remotePath: string, data: Buffer): void;
  /** How a user reaches the machine by hand, e.g. "azlin connect NAME" (shown when we keep it). */
  readonly howToReach: string;
}

export interface AcquireRequest {
  runId: string;
  options: MachineRequest;
  signal?: AbortSignal;
  /**
   * Called as soon as a VM name is known and before any long wait, so the caller can write it to
   * durable state: a VM the process dies holding is never forgotten.
   */
  onVmKnown?: (vm: { name: string; created: boolean }) => Promise<void>;
  onProgress?: (message: string) => void;
  /**
   * VMs not to reuse, read when the lookup runs: those the caller's own batch is creating or has
   * filled (core/pool.ts), which a reuse would only wait on or find full.
   */
  avoidVms?: ReadonlySet<string>;
  /**
   * Bash whose output the caller needs from a machine that existed before (reused, or named): run in the connection that claims it (each connection costs seconds), and handed back on the
   * lease as `probed`. Targets without a claim connection ignore it.
   */
  probe?: string;
}

export interface Lease {
  machine: Machine;
  /** True when this run created the machine (only then may release delete it). */
  created: boolean;
  /** True when an existing machine was reused. */
  reused: boolean;
  /**
   * What the acquire left for the start's own connection to do (each connection to a VM costs
   * seconds): a script that claims the machine for the run, run on the machine just before the
   * start and stopping it when it fails, and what to do once the run has started (azlin: a new
   * VM's run slot is taken there, and its ownership tags added after). Absent: nothing left.
   */
  deferredClaim?: DeferredClaim;
  /** The request's probe's stdout, when it ran in the claim's connection (absent: it did not run). */
  probed?: string;
  /**
   * Gives the machine back: deletes it when this run created it and `keep` is false.
   * Returns what happened, for the summary.
   */
  release(options: { keep: boolean; signal?: AbortSignal }): Promise<ReleaseOutcome>;
}

export interface DeferredClaim {
  /** Bash run before the start script, in the same connection; a non-zero exit stops the start. */
  script: string;
  /** Called once the run has started; a failure fails the start (and the machine is given back). */
  confirm(signal?: AbortSignal): Promise<void>;
}

export interface ReleaseOutcome {
  deleted: boolean;
  kept: boolean;
  message: string;
}

export interface Target {
  readonly name: TargetName;
  /** A fresh machine may lack the default agent's tooling (a VM does; here the user's own tools are used). */
  readonly needsAgentTooling: boolean;
  /** Seconds between status polls that suit this target (a local sandbox answers at once; a VM costs an ssh round trip). */
  readonly pollSeconds: number;
  /** Cheap checks before anything costs money (tools present, logged in). */
  validate(signal?: AbortSignal): Promise<void>;
  acquire(request: AcquireRequest): Promise<Lease>;
  /**
   * Reattaches to the machine of an earlier run (detached runs, retrieve, status from another
   * process): the VM named in the run record, or the local sandbox. The lease's release deletes
   * the VM only when `created` says this run made it.
   */
  attach(record: { runId: string; vmName: string | null; created: boolean }): Promise<Lease>;
  /** How many runs one machine of this size holds at once (a fact of the target; core's pool plans by it). */
  runsPerMachine?(vmSize: string): number;
  /**
   * Takes run slots for several runs on a machine another run of the same batch has just acquired
   * (pools), in one go: one answer per request, in order, its lease or why not. `created` shares
   * that machine's ownership: the last run released deletes it. `beforeItsStart`: these runs
   * start no later than the run that acquired the machine, so on a machine it made, their slots
   * may be left to their starts (deferredClaim). Absent on targets without pools.
   */
  join?(
    vmName: string,
    requests: readonly AcquireRequest[],
    shared: { created: boolean; beforeItsStart?: boolean },
  ): Promise<Array<Lease | Error>>;
}

/** A VM as the fleet reports it, with ownership already read from its tags. */
export interface FleetVm {
  name: string;
  size: string;
  region: string;
  resourceGroup: string;
  powerState: string;
  createdAt: Date | null;
  /** Tagged amplihack_workflow=true. */
  ours: boolean;
  /** Named the way we name VMs (amplihack-<user>-<stamp>-<hex>): ours even if tagging never happened. */
  nameLooksOurs: boolean;
  ttlHours: number;
  /** Run ids from the VM's tags. */
  runIds: string[];
  owner: string | null;
  hourlyCostUsd: number | null;
  howToReach: string;
}

export interface FleetSlot {
  slot: string;
  runId: string | null;
  stale: boolean;
}

/** What policy needs carried out; decided on in core/ (vm-inventory, cleanup). */
export interface VmFleet {
  listVms(signal?: AbortSignal): Promise<FleetVm[]>;
  /** Throws when the VM cannot be reached. */
  readSlots(name: string, signal?: AbortSignal): Promise<FleetSlot[]>;
  deleteVm(name: string, signal?: AbortSignal): Promise<{ deleted: boolean; error?: string }>;
  /** When the VM's last run ended (epoch seconds), null if none has; throws when unreachable. */
  lastRunEnd?(name: string, signal?: AbortSignal): Promise<number | null>;
}
