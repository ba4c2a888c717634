/**
 * The results archive kept in the state directory while a run's machine is released beside the
 * import of its commits: if the import then fails, the machine may be gone, and this copy is the
 * run's work. `retrieve` imports it again from here (core/workflow/retrieve-run.ts fetchResults).
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { StateStore } from "../../state/store.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";

export const keptResultsPath = (store: StateStore, runId: string) =>
  join(dirname(store.file), "kept-results", `${runId}.tar.gz`);

/** Copies the archive to where it is kept; true when it is there (only then may the machine go early). */
export async function keepResults(archive: string, kept: string): Promise<boolean> {
  if (archive === kept) return true;
  try {
    await mkdir(dirname(kept), { recursive: true, mode: 0o700 });
    await copyFile(archive, kept);
    return true;
  } catch {
    await rm(kept, { force: true }).catch(() => {});
    return false;
  }
}

export const dropKeptResults = (kept: string) => rm(kept, { force: true }).catch(() => {});

/** The import failed once the machine's release had begun: where the work is, and how to bring it in. */
export function importFailedKept(err: unknown, kept: string, runId: string): RemoteError {
  const e = asRemoteError(err);
  return new RemoteError(
    e.code,
    `Importing the results failed: ${e.message} The machine was released; the run's results archive is kept at ${kept}.`,
    `Fix what stopped it, then import it with \`amplihack-remote retrieve ${runId}\` (it reads the kept archive; the archive holds results.bundle, the run's commits, and its logs).`,
    { cause: err },
  );
}
