/**
 * Deleting a VM for real: `azlin kill NAME --force`, and when that fails or times out (az's 120 s
 * cap cuts the delete while Azure carries on), ask Azure again: ResourceNotFound means it is gone.
 */
import type { AzlinClient } from "../../azlin/client.js";
import { asRemoteError } from "../../util/errors.js";

export interface DeleteOutcome {
  deleted: boolean;
  /** Why it is not deleted (only when deleted is false). */
  error?: string;
}

export async function deleteVm(
  azlin: AzlinClient,
  name: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<DeleteOutcome> {
  try {
    await azlin.killVm(name, options);
    return { deleted: true };
  } catch (err) {
    const killError = asRemoteError(err).message;
    try {
      // A fresh bound: the re-read must happen even when the kill used up its time.
      const still = await azlin.showVm(name, { timeoutMs: 2 * 60_000 });
      if (still === null) return { deleted: true };
      return { deleted: false, error: killError };
    } catch (showErr) {
      return {
        deleted: false,
        error: `${killError} (and checking afterwards failed: ${asRemoteError(showErr).message})`,
      };
    }
  }
}
