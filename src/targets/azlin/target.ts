/**
 * The azlin target: a run happens on an Azure VM managed through the azlin CLI. It reuses one of
 * our VMs when one fits and is free, or provisions one (name chosen here, recorded before the long
 * wait, tagged as ours), and holds a slot on the VM for the run's lifetime.
 */
import { AZLIN_TIMEOUTS, AzlinClient } from "../../azlin/client.js";
import type { ListedVm, VmDetails } from "../../azlin/schemas.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import { mapLimit } from "../../util/map-limit.js";
import type { Runner, StreamRunner } from "../../util/run.js";
import { shellQuote } from "../../util/shell-quote.js";
import type { AcquireRequest, Lease, Target } from "../types.js";
import { capacityForSku } from "./capacity.js";
import { deleteVm } from "./delete-vm.js";
import { AzlinLease, type LeaseOrigin } from "./lease.js";
import { AzlinMachine } from "./machine.js";
import { currentUser, makeVmName, sanitizeUser } from "./names.js";
import { byYoungest, mayFit, whyNotReusable } from "./reuse.js";
import {
  ALL_SLOTS_BUSY,
  acquireSlot,
  acquireSlotScript,
  DEFAULT_SLOT_POLICY,
  type SlotPolicy,
} from "./slots.js";
import { ownershipTags } from "./tags.js";
import type { TransferPolicy } from "./transfer.js";

/**
 * How long the validate's `azlin list` stands for the acquire after it: long enough to cover
 * packaging a large repository, short enough that a VM made or deleted meanwhile is rare (a stale
 * answer costs little: `show` and the slot on the VM decide reuse, not the list).
 */
const LIST_FRESH_MS = 5 * 60_000;

/**
 * How long one batch's `azlin list` serves its other groups (src/core/pool.ts) looking for a VM
 * to reuse: they start within moments of each other, and the VMs the batch itself takes meanwhile
 * are avoided anyway. A run that waited in the queue longer asks again.
 */
const BATCH_LIST_FRESH_MS = 60_000;

export interface AzlinTargetOptions {
  runner?: Runner;
  /** Spawns the long-lived connections that watch runs (tests record them). */
  stream?: StreamRunner;
  /** Extra environment for azlin (tests: PATH to the fake, AZLIN_CONFIG_DIR...). */
  env?: NodeJS.ProcessEnv;
  client?: AzlinClient;
  slots?: Partial<SlotPolicy>;
  transfer?: Partial<TransferPolicy>;
  now?: () => Date;
  user?: string;
  /** Random suffix of new VM names (tests fix it). */
  randomHex?: () => string;
  createTimeoutMs?: number;
  killTimeoutMs?: number;
  maxReuseAgeHours?: number;
}

export class AzlinTarget implements Target {
  readonly name = "azlin" as const;
  readonly pollSeconds = 10;
  readonly needsAgentTooling = true;
  readonly azlin: AzlinClient;
  private readonly slots: SlotPolicy;
  private readonly now: () => Date;
  private recentList: { at: number; vms: ListedVm[] } | null = null;
  /** By batch (its avoidVms set stands for it): the list its first reuse lookup got. */
  private batchLists = new WeakMap<ReadonlySet<string>, { at: number; vms: Promise<ListedVm[]> }>();

  constructor(private readonly options: AzlinTargetOptions = {}) {
    this.azlin =
      options.client ?? new AzlinClient({ runner: options.runner, stream: options.stream, env: options.env });
    this.slots = { ...DEFAULT_SLOT_POLICY, ...options.slots };
    this.now = options.now ?? (() => new Date());
  }

  /**
   * azlin present and of a version we speak, logged in, with a resource group: all before any
   * cost, in one call. `list -o json` is the proof: its format changed in the oldest version we
   * speak (2.7.0), so an older azlin fails to parse there, and only then is `--version` asked, to
   * say so plainly.
   */
  async validate(signal?: AbortSignal): Promise<void> {
    try {
      const vms = await this.azlin.listVms({ signal });
      this.recentList = { at: Date.now(), vms };
    } catch (err) {
      const e = asRemoteError(err);
      if (e.code === "azlin-version" || (e.code === "azlin-failed" && e.details.azlinExitCode === 2))
        await this.azlin.version({ signal });
      throw e;
    }
  }

  /**
   * The VMs `azlin list` showed; the validate's answer serves the acquire that follows it within
   * LIST_FRESH_MS (each call costs seconds). Used once: a later acquire (another run) asks again.
   */
  private async listOnce(signal?: AbortSignal): Promise<ListedVm[]> {
    const recent = this.recentList;
    this.recentList = null;
    if (recent && Date.now() - recent.at < LIST_FRESH_MS) return recent.vms;
    return this.azlin.listVms({ signal });
  }

  /** The list for a reuse lookup: one per batch while fresh, else listOnce. */
  private listFor(request: AcquireRequest): Promise<ListedVm[]> {
    const batch = request.avoidVms;
    if (!batch) return this.listOnce(request.signal);
    const known = this.batchLists.get(batch);
    if (known && Date.now() - known.at < BATCH_LIST_FRESH_MS) return known.vms;
    const vms = this.listOnce(request.signal);
    this.batchLists.set(batch, { at: Date.now(), vms });
    vms.catch(() => this.batchLists.delete(batch));
    return vms;
  }

  machine(name: string): AzlinMachine {
    return new AzlinMachine(name, this.azlin, this.options.transfer);
  }

  /** Runs at once on a VM of this size (capacity.ts), unless the slot policy fixes it. */
  runsPerMachine(vmSize: string): number {
    return this.options.slots?.capacity ?? capacityForSku(vmSize, this.options.env);
  }

  /** Slots on a VM of this size: a pool VM holds several runs. */
  private slotsFor(vmSize: string): SlotPolicy {
    return { ...this.slots, capacity: this.runsPerMachine(vmSize) };
  }

  private lease(
    name: string,
    runId: string,
    origin: LeaseOrigin,
    created: boolean,
    soleHolder = false,
  ): AzlinLease {
    return new AzlinLease(this.machine(name), this.azlin, {
      runId,
      origin,
      created,
      soleHolder,
      slots: this.slots,
      killTimeoutMs: this.options.killTimeoutMs ?? AZLIN_TIMEOUTS.kill,
    });
  }

  async acquire(request: AcquireRequest): Promise<Lease> {
    if (request.options.vmName) return this.acquireNamed(request, request.options.vmName);
    if (!request.options.noReuse) {
      const reused = await this.tryReuse(request);
      if (reused) return reused;
    }
    return this.provision(request);
  }

  /** The VM of an earlier run (detached runs, retrieve): no new slot, the run already holds one. */
  async attach(record: { runId: string; vmName: string | null; created: boolean }): Promise<Lease> {
    if (!record.vmName) {
      throw new RemoteError(
        "run-not-found",
        `Run ${record.runId} has no VM on record.`,
        "Check `amplihack-remote status`.",
      );
    }
    return this.lease(record.vmName, record.runId, "attached", record.created);
  }

  /**
   * Slots on a VM a sibling run of the same batch just acquired (see src/core/pool.ts), for
   * several runs at once: one answer per request, in order, a lease or why not (that run then
   * acquires a VM of its own). On a VM the batch has just made, nobody else can take a slot until
   * its tags come, after the first run's start (an untagged VM is nobody's to reuse): runs starting
   * no later than that one (`beforeItsStart`) leave their slots to their starts, as the first run
   * does (deferredClaim). Otherwise all the slots are claimed now, in one connection (each costs
   * seconds).
   */
  async join(
    name: string,
    requests: readonly AcquireRequest[],
    shared: { created: boolean; beforeItsStart?: boolean },
  ): Promise<Array<Lease | RemoteError>> {
    const machine = this.machine(name);
    const joined = async (request: AcquireRequest) => {
      try {
        await request.onVmKnown?.({ name, created: shared.created });
      } catch (err) {
        return asRemoteError(err);
      }
      request.onProgress?.(`sharing VM ${name} with another run of this batch`);
      return this.lease(name, request.runId, shared.created ? "created" : "reused", shared.created);
    };
    if (shared.created && shared.beforeItsStart) {
      return Promise.all(
        requests.map(async (request) => {
          const lease = await joined(request);
          if (lease instanceof AzlinLease) {
            lease.deferredClaim = {
              script: acquireSlotScript(request.runId, this.slotsFor(request.options.vmSize)),
              confirm: async () => {}, // the VM's tags come with the first run's start (provision)
            };
          }
          return lease;
        }),
      );
    }
    const script = requests
      .map(
        (r) =>
          `( ${acquireSlotScript(r.runId, this.slotsFor(r.options.vmSize))}\n) >/dev/null 2>&1\nprintf '${CLAIM_TAG} %s %s\\n' ${shellQuote(r.runId)} "$?"`,
      )
      .join("\n");
    let codes: Map<string, number>;
    try {
      const r = await machine.exec(script, { signal: requests[0]?.signal, timeoutMs: 120_000 });
      codes = claimCodes(r.stdout);
    } catch (err) {
      const e = asRemoteError(err);
      return requests.map(() => e);
    }
    return Promise.all(
      requests.map(async (request): Promise<Lease | RemoteError> => {
        const code = codes.get(request.runId);
        if (code !== 0) {
          return new RemoteError(
            "azlin-failed",
            code === ALL_SLOTS_BUSY
              ? `VM ${name} has no free run slot.`
              : `Could not take a run slot on VM ${name} (${code === undefined ? "no answer" : `exit ${code}`}).`,
            "Retry; another VM will be used.",
          );
        }
        return joined(request);
      }),
    );
  }

  /** --vm-name: that VM or a clear error; never deleted by release. */
  private async acquireNamed(request: AcquireRequest, name: string): Promise<Lease> {
    const { signal } = request;
    request.onProgress?.(`using VM ${name}`);
    const vm = await this.azlin.showVm(name, { signal });
    if (!vm) {
      throw new RemoteError(
        "azlin-not-found",
        `VM ${name} (--vm-name) was not found${this.azlin.resourceGroup ? ` in resource group ${this.azlin.resourceGroup}` : ""}.`,
        "Check the name with `azlin list --all` (or `amplihack-remote vms`), or drop --vm-name to provision a VM.",
      );
    }
    if (vm.power_state !== "Running") {
      throw new RemoteError(
        "azlin-failed",
        `VM ${name} (--vm-name) is ${vm.power_state}, not Running.`,
        `Start it with \`azlin start ${name}\` and retry, or drop --vm-name to provision a VM.`,
      );
    }
    await request.onVmKnown?.({ name, created: false });
    const machine = this.machine(name);
    // A named VM is usually a box kept for many runs: its cache is asked in the claim's connection
    // too, so the upload can be thin.
    const slot = await acquireSlot(
      machine,
      request.runId,
      this.slotsFor(vm.vm_size),
      { signal },
      request.probe,
    );
    if (!slot.acquired) {
      throw new RemoteError(
        "azlin-failed",
        `VM ${name} (--vm-name) is busy with run ${slot.holders.join(", ") || "(unknown)"}.`,
        "Wait for that run to finish (`amplihack-remote status`), or pick another VM.",
      );
    }
    const lease = this.lease(name, request.runId, "named", false);
    lease.probed = slot.probed;
    return lease;
  }

  /** A VM of ours that fits and has a free slot, or null. */
  private async tryReuse(request: AcquireRequest): Promise<Lease | null> {
    const { options, signal } = request;
    const wanted = {
      vmSize: options.vmSize,
      region: options.region,
      resourceGroup: this.azlin.resourceGroup,
      now: this.now(),
      maxAgeHours: this.options.maxReuseAgeHours,
    };
    request.onProgress?.("looking for a VM to reuse");
    const listed = (await this.listFor(request)).filter(
      (vm) => mayFit(vm, wanted) && !request.avoidVms?.has(vm.name),
    );
    // `list` has no tags or creation time: one `show` per candidate, a few at a time.
    const shown = await mapLimit(listed, 4, (vm) => this.azlin.showVm(vm.name, { signal }));
    const details = shown.filter((d): d is VmDetails => d !== null && whyNotReusable(d, wanted) === null);
    for (const vm of details.sort(byYoungest)) {
      const machine = this.machine(vm.name);
      let probed: string | undefined;
      try {
        const slot = await acquireSlot(
          machine,
          request.runId,
          this.slotsFor(vm.vm_size),
          { signal },
          request.probe,
        );
        if (!slot.acquired) {
          request.onProgress?.(`VM ${vm.name} is busy (run ${slot.holders.join(", ")})`);
          continue;
        }
        probed = slot.probed;
      } catch (err) {
        const e = asRemoteError(err);
        if (e.code === "interrupted") throw e;
        request.onProgress?.(`VM ${vm.name} cannot be reused: ${e.message.split("\n")[0]}`);
        continue;
      }
      request.onProgress?.(`reusing VM ${vm.name}`);
      await request.onVmKnown?.({ name: vm.name, created: false });
      const lease = this.lease(vm.name, request.runId, "reused", false);
      lease.probed = probed;
      return lease;
    }
    return null;
  }

  /** A new VM: named here, recorded before `azlin new`; its slot and tags come with the start (deferredClaim). */
  private async provision(request: AcquireRequest): Promise<Lease> {
    const { options, signal, runId } = request;
    const user = this.options.user
      ? sanitizeUser(this.options.user)
      : currentUser(this.options.env ?? process.env);
    const name = makeVmName(user, this.now(), this.options.randomHex?.());
    await request.onVmKnown?.({ name, created: true });
    request.onProgress?.(`provisioning VM ${name} (${options.vmSize}); this takes 4-7 minutes`);
    try {
      await this.azlin.createVm(
        { name, vmSize: options.vmSize, region: options.region },
        { timeoutMs: this.options.createTimeoutMs ?? AZLIN_TIMEOUTS.create, signal },
      );
    } catch (err) {
      await this.recoverFailedCreate(name, asRemoteError(err), request);
    }
    // Nobody else uses an untagged VM, so its run slot is taken by the start's own connection and
    // the tags come after it (each connection costs seconds): another laptop that sees the tag
    // finds the VM busy. A VM that cannot be tagged is given back by the failed start.
    const lease = this.lease(name, runId, "created", true, this.runsPerMachine(options.vmSize) === 1);
    lease.deferredClaim = {
      script: acquireSlotScript(runId, this.slotsFor(options.vmSize)),
      confirm: (confirmSignal) =>
        this.azlin.addTags(name, ownershipTags({ user, runId, now: this.now() }), { signal: confirmSignal }),
    };
    return lease;
  }

  /**
   * `azlin new` failed. Quota, SKU, auth and usage errors mean no VM: fail fast. Otherwise the VM
   * may exist all the same (az's 120 s cap): read it back; use it when a timeout was all that
   * went wrong and it is running, else delete it. Returns only when the VM is usable.
   */
  private async recoverFailedCreate(
    name: string,
    error: RemoteError,
    request: AcquireRequest,
  ): Promise<void> {
    const noVm = ["azlin-quota", "azlin-sku", "azlin-auth", "azlin-no-rg", "azlin-missing", "azlin-version"];
    if (noVm.includes(error.code) || (error.code === "azlin-failed" && error.details.azlinExitCode === 2)) {
      throw withVm(error, name, { exists: false });
    }
    let vm: VmDetails | null;
    try {
      vm = await this.azlin.showVm(name, { timeoutMs: 2 * 60_000 });
    } catch (showErr) {
      throw withVm(error, name, {
        exists: "unknown",
        note: `Checking whether ${name} exists failed too (${asRemoteError(showErr).message}); look with \`azlin list --all\` and delete it with \`amplihack-remote cleanup ${name}\`.`,
      });
    }
    if (!vm) throw withVm(error, name, { exists: false });
    const usable =
      error.code === "azlin-timeout" &&
      vm.power_state === "Running" &&
      (vm.provisioning_state ?? "Succeeded") === "Succeeded";
    if (usable && !request.signal?.aborted) {
      request.onProgress?.(`azlin new reported a timeout, but VM ${name} exists and is running: using it`);
      return;
    }
    throw await this.discardUnusable(name, error);
  }

  /** Deletes a VM this acquire created but cannot use, and says in the error what became of it. */
  private async discardUnusable(name: string, error: RemoteError): Promise<RemoteError> {
    const outcome = await deleteVm(this.azlin, name, {
      timeoutMs: this.options.killTimeoutMs ?? AZLIN_TIMEOUTS.kill,
    });
    return withVm(error, name, {
      exists: !outcome.deleted,
      deleted: outcome.deleted,
      note: outcome.deleted
        ? `The unusable VM ${name} was deleted.`
        : `The unusable VM ${name} could not be deleted (${outcome.error}): delete it with \`amplihack-remote cleanup ${name}\`.`,
    });
  }
}

/** Marks each run's answer in a join's output: "AR-CLAIM <run id> <exit code of its claim>". */
const CLAIM_TAG = "AR-CLAIM";

/** The claim answers a join printed, by run id (the machine's text: what does not match is ignored). */
function claimCodes(stdout: string): Map<string, number> {
  const codes = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const m = /^AR-CLAIM (\S+) (\d+)$/.exec(line);
    if (m) codes.set(m[1], Number(m[2]));
  }
  return codes;
}

/** The same error, with the VM's fate in its details (and message), so it is never forgotten. */
function withVm(
  error: RemoteError,
  name: string,
  fate: { exists: boolean | "unknown"; deleted?: boolean; note?: string },
): RemoteError {
  return new RemoteError(
    error.code,
    fate.note ? `${error.message}\n${fate.note}` : error.message,
    error.remedy,
    {
      details: { ...error.details, vm: name, vmExists: fate.exists, vmDeleted: fate.deleted ?? false },
      cause: error,
    },
  );
}
