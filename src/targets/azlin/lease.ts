/**
 * A VM held by one run. Release frees the run's slot (so the VM is free for others, also when
 * deleting it fails) and deletes the VM only when this run created it, keep is false and no other
 * run is on it. A VM about to be deleted keeps this run's slot until it is gone: freed first, a
 * waiting run (src/core/queue/) could take it and find the VM deleted under it. A VM that can hold
 * only this run is deleted at once; its slot is freed only if that fails.
 */
import type { AzlinClient } from "../../azlin/client.js";
import { asRemoteError } from "../../util/errors.js";
import type { DeferredClaim, Lease, ReleaseOutcome } from "../types.js";
import { deleteVm } from "./delete-vm.js";
import type { AzlinMachine } from "./machine.js";
import { releaseSlot, releaseSlotUnlessLast, type SlotPolicy } from "./slots.js";

export type LeaseOrigin = "created" | "reused" | "named" | "attached";

export interface LeaseSettings {
  runId: string;
  origin: LeaseOrigin;
  /** For "attached": whether the run that made the record created the VM. */
  created: boolean;
  slots: SlotPolicy;
  killTimeoutMs: number;
  /**
   * This run made the VM and the VM holds one run: no other run can be on it, so releasing is
   * deleting. False for pool VMs and for VMs attached from a record (their capacity is not known).
   */
  soleHolder?: boolean;
}

export class AzlinLease implements Lease {
  readonly created: boolean;
  readonly reused: boolean;
  deferredClaim?: DeferredClaim;
  probed?: string;
  private outcome: Promise<ReleaseOutcome> | null = null;

  constructor(
    readonly machine: AzlinMachine,
    private readonly azlin: AzlinClient,
    private readonly settings: LeaseSettings,
  ) {
    this.created = settings.created;
    this.reused = settings.origin === "reused";
  }

  /** Idempotent: a second call returns the first call's outcome. */
  release(options: { keep: boolean; signal?: AbortSignal }): Promise<ReleaseOutcome> {
    this.outcome ??= this.doRelease(options);
    return this.outcome;
  }

  private async doRelease({
    keep,
    signal,
  }: {
    keep: boolean;
    signal?: AbortSignal;
  }): Promise<ReleaseOutcome> {
    const { name } = this.machine;
    // A VM this run made with room for one run holds no other: deleting it frees the slot too,
    // so the slot is only freed by hand when the delete fails (two connections saved).
    if (this.created && !keep && this.settings.soleHolder) {
      const result = await deleteVm(this.azlin, name, { timeoutMs: this.settings.killTimeoutMs, signal });
      if (result.deleted) return { deleted: true, kept: false, message: `Deleted VM ${name}.` };
      const { note } = await this.freeSlot(signal);
      return notDeleted(name, result.error, note);
    }
    if (!this.created || keep) {
      const { note } = await this.freeSlot(signal);
      return this.stays(note);
    }
    // A pool VM may hold other runs: the last run out deletes it, never one in the middle. Who is
    // last is decided under the VM's slot lock, and the last keeps its slot until the VM is gone.
    const left = await releaseSlotUnlessLast(this.machine, this.settings.runId, this.settings.slots, {
      signal,
      timeoutMs: 120_000,
    }).catch(() => ({ last: true as const })); // unreachable slots: deleted rather than left billing
    if (!left.last) {
      return {
        deleted: false,
        kept: true,
        message: `VM ${name} stays up: still in use by run(s) ${left.others.join(", ")}; the last of them to be released deletes it`,
      };
    }
    const result = await deleteVm(this.azlin, name, { timeoutMs: this.settings.killTimeoutMs, signal });
    if (result.deleted) return { deleted: true, kept: false, message: `Deleted VM ${name}.` };
    const { note } = await this.freeSlot(signal); // the VM stays: free for others though not deleted
    return notDeleted(name, result.error, note);
  }

  /** The outcome for a VM that stays up: not ours to delete, or kept on request. */
  private stays(note: string): ReleaseOutcome {
    const { name, howToReach } = this.machine;
    if (!this.created) {
      const why = this.settings.origin === "named" ? "named with --vm-name" : "not created by this run";
      return {
        deleted: false,
        kept: true,
        message: `VM ${name} stays up (${why}). Reach it with: ${howToReach}${note}`,
      };
    }
    return {
      deleted: false,
      kept: true,
      message: `Kept VM ${name}; it is still running and billing. Reach it with: ${howToReach} — delete it with \`amplihack-remote cleanup ${name}\` when done${note}`,
    };
  }

  /** Frees this run's slot; the note says so when that failed (the slot then goes stale). */
  private async freeSlot(signal?: AbortSignal): Promise<{ note: string }> {
    try {
      await releaseSlot(this.machine, this.settings.runId, this.settings.slots, {
        signal,
        timeoutMs: 120_000,
      });
      return { note: "" };
    } catch (err) {
      const note = ` (its run slot could not be freed: ${asRemoteError(err).message.split("\n")[0]}; it frees itself ${Math.round(this.settings.slots.staleAfterSeconds / 60)} minutes after the run ends)`;
      return { note };
    }
  }
}

function notDeleted(name: string, error: string | undefined, note: string): ReleaseOutcome {
  return {
    deleted: false,
    kept: false,
    message: `Could not delete VM ${name}: ${error}. It may still be billing: delete it with \`azlin kill ${name} --force\` or \`amplihack-remote cleanup ${name}\`.${note}`,
  };
}
