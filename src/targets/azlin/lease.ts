/**
 * A VM held by one run. Release frees the run's slot (so the VM is free for others, also when
 * deleting it fails) and deletes the VM only when this run created it, keep is false and no other
 * run is on it; a VM being deleted keeps the slot until it is gone, so no run takes it meanwhile.
 */
import type { AzlinClient } from "../../azlin/client.js";
import { asRemoteError } from "../../util/errors.js";
import type { Lease, ReleaseOutcome } from "../types.js";
import { deleteVm } from "./delete-vm.js";
import type { AzlinMachine } from "./machine.js";
import { readSlots, releaseSlot, type SlotPolicy } from "./slots.js";

export type LeaseOrigin = "created" | "reused" | "named" | "attached";

export interface LeaseSettings {
  runId: string;
  origin: LeaseOrigin;
  /** For "attached": whether the run that made the record created the VM. */
  created: boolean;
  slots: SlotPolicy;
  killTimeoutMs: number;
}

export class AzlinLease implements Lease {
  readonly created: boolean;
  readonly reused: boolean;
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
    const { name, howToReach } = this.machine;
    let slotNote = "";
    const freeSlot = async () => {
      try {
        await releaseSlot(this.machine, this.settings.runId, this.settings.slots, {
          signal,
          timeoutMs: 120_000,
        });
      } catch (err) {
        slotNote = ` (its run slot could not be freed: ${asRemoteError(err).message.split("\n")[0]}; it frees itself ${Math.round(this.settings.slots.staleAfterSeconds / 60)} minutes after the run ends)`;
      }
    };
    // A VM about to be deleted keeps this run's slot until it is gone: freed first, a waiting run
    // (src/core/queue/) could take it and find the VM deleted under it.
    const deleting = this.created && !keep;
    if (!deleting) await freeSlot();

    if (!this.created) {
      const why = this.settings.origin === "named" ? "named with --vm-name" : "not created by this run";
      return {
        deleted: false,
        kept: true,
        message: `VM ${name} stays up (${why}). Reach it with: ${howToReach}${slotNote}`,
      };
    }
    if (keep) {
      return {
        deleted: false,
        kept: true,
        message: `Kept VM ${name}; it is still running and billing. Reach it with: ${howToReach} — delete it with \`amplihack-remote cleanup ${name}\` when done${slotNote}`,
      };
    }
    // A pool VM may hold other runs: the last run out deletes it, never one in the middle.
    const others = await readSlots(this.machine, this.settings.slots, { signal, timeoutMs: 120_000 }).then(
      (slots) => slots.filter((s) => !s.stale && s.runId !== this.settings.runId).map((s) => s.runId ?? "?"),
      () => [] as string[],
    );
    if (others.length > 0) {
      await freeSlot();
      return {
        deleted: false,
        kept: true,
        message: `VM ${name} stays up: still in use by run(s) ${others.join(", ")}; the last of them to be released deletes it${slotNote}`,
      };
    }
    const result = await deleteVm(this.azlin, name, { timeoutMs: this.settings.killTimeoutMs, signal });
    if (result.deleted) return { deleted: true, kept: false, message: `Deleted VM ${name}.` };
    await freeSlot(); // the VM stays: it is free for others even though deleting it failed
    return {
      deleted: false,
      kept: false,
      message: `Could not delete VM ${name}: ${result.error}. It may still be billing: delete it with \`azlin kill ${name} --force\` or \`amplihack-remote cleanup ${name}\`.`,
    };
  }
}
