/**
 * The queue's knobs: the --max-vms cap (option, else AMPLIHACK_REMOTE_MAX_VMS), how often a run
 * refused for quota tries again when nothing of ours freed, and how long quota that never frees
 * is waited for before the queued runs fail. All but --max-vms come from the environment, so a
 * test (or an impatient user) can make the bound short.
 */
import { RemoteError } from "../../util/errors.js";

export interface QueueSettings {
  /** At most this many VMs held by our runs at once; null: only Azure's quota limits. */
  maxVms: number | null;
  /** A refused run tries again this soon even if none of our VMs freed (someone else's might have). */
  retryMs: number;
  /** With no VM of ours to wait for and creation refused, give up after this long. */
  giveUpMs: number;
  /** How soon a waiting process looks again; the delay grows while nothing frees, up to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, integer: boolean): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new RemoteError(
      "usage",
      `${name}=${text} is not a positive ${integer ? "whole number" : "number"}.`,
      `Set ${name} to a positive ${integer ? "whole number" : "number"} or unset it.`,
    );
  }
  return n;
}

export function queueSettings(
  env: NodeJS.ProcessEnv,
  maxVmsOption: number | undefined,
  pollSeconds = 10,
): QueueSettings {
  const envMax = env.AMPLIHACK_REMOTE_MAX_VMS ? fromEnv(env, "AMPLIHACK_REMOTE_MAX_VMS", 0, true) : null;
  return {
    maxVms: maxVmsOption ?? envMax,
    retryMs: fromEnv(env, "AMPLIHACK_REMOTE_QUEUE_RETRY_SECONDS", 60, false) * 1000,
    giveUpMs: fromEnv(env, "AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES", 30, false) * 60_000,
    pollMs: Math.max(50, pollSeconds * 1000),
    maxPollMs: Math.min(60_000, Math.max(50, pollSeconds * 10_000)),
  };
}
