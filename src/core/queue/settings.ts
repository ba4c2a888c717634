/**
 * The queue's knobs: the --max-vms cap (option, else AMPLIHACK_REMOTE_MAX_VMS), how often a run
 * refused for quota tries again when nothing of ours freed, and how long quota that never frees
 * is waited for before the queued runs fail. All but --max-vms come from the environment, so a
 * test (or an impatient user) can make the bound short.
 */
import type { Target } from "../../targets/types.js";
import { envNumber } from "../../util/env-number.js";

export interface QueueSettings {
  /** At most this many VMs held by our runs at once; null: only Azure's quota limits. */
  maxVms: number | null;
  /** A refused run tries again this soon even if none of our VMs freed (someone else's might have). */
  retryMs: number;
  /**
   * With no VM of ours to wait for and creation refused, give up after this long. 0 by default:
   * quota held by VMs that are not ours frees on nobody's schedule, so the user hears at once (a
   * foreground `exec` would otherwise sit silently queued); a user who wants to wait sets it.
   */
  giveUpMs: number;
  /** How soon a waiting process looks again; the delay grows while nothing frees, up to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
}

export function queueSettings(
  env: NodeJS.ProcessEnv,
  maxVmsOption: number | undefined,
  pollSeconds = 10,
): QueueSettings {
  const envMax = envNumber(env, "AMPLIHACK_REMOTE_MAX_VMS", { integer: true }) ?? null;
  return {
    maxVms: maxVmsOption ?? envMax,
    retryMs: (envNumber(env, "AMPLIHACK_REMOTE_QUEUE_RETRY_SECONDS") ?? 60) * 1000,
    giveUpMs: (envNumber(env, "AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES", { zeroAllowed: true }) ?? 0) * 60_000,
    pollMs: Math.max(50, pollSeconds * 1000),
    maxPollMs: Math.min(60_000, Math.max(50, pollSeconds * 10_000)),
  };
}

/** A local sandbox costs no quota and holds no VM; a named VM is the user's own choice. */
export function runsQueue(target: Pick<Target, "name">, options: { vmName?: string }): boolean {
  return target.name !== "local" && !options.vmName;
}
