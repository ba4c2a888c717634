/**
 * A number from an AMPLIHACK_REMOTE_* environment variable. A value that is set but unusable is
 * a usage error naming the variable, never silently the default: a user who typed
 * `POLL_SECONDS=1s` would otherwise wait ten times longer and not know why.
 */
import { RemoteError } from "./errors.js";

export interface NumberKind {
  /** Whole numbers only (counts, seconds on the VM's command line). */
  integer?: boolean;
  /** 0 means something for this variable (e.g. "off"); otherwise it must be positive. */
  zeroAllowed?: boolean;
}

/** The variable's number, or undefined when it is unset or empty. */
export function envNumber(env: NodeJS.ProcessEnv, name: string, kind: NumberKind = {}): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  const { integer = false, zeroAllowed = false } = kind;
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed) || (integer && !Number.isInteger(n))) {
    const what = `${zeroAllowed ? "non-negative" : "positive"} ${integer ? "whole number" : "number"}`;
    throw new RemoteError(
      "usage",
      `${name}=${text} is not a ${what}.`,
      `Set ${name} to a ${what} or unset it.`,
    );
  }
  return n;
}
