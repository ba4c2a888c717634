/**
 * The package goes to each machine once per batch: the first run on a machine uploads it (thin
 * when a reused machine already holds part of the history), the others link that upload into
 * their own run directory, in their start's own connection (a connection costs seconds).
 */
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { commitsPresent } from "../../git/commits-present.js";
import type { Git } from "../../git/git.js";
import { type ContextPackage, thinArchive } from "../../package/build-context.js";
import { ARCHIVE_NAME, cacheProbeScript, incomingArchive } from "../../remote/protocol.js";
import { shareArchiveScript } from "../../remote/run-files.js";
import type { Lease } from "../../targets/types.js";
import type { Progress } from "../progress.js";

/** What delivering needs of the package (a launch worker rebuilds it from its job file). */
export type Shipment = Pick<
  ContextPackage,
  "dir" | "git" | "stage" | "revs" | "manifest" | "params" | "archivePath" | "archiveSha256" | "archiveBytes"
>;

export interface Uploaded {
  /** The run whose directory holds the upload. */
  runId: string;
  sha256: string;
  /**
   * Bash for the start's connection to run before the start script: links the shared upload into
   * this run's directory. Best effort: when it fails, the start finds no archive, exits with a
   * checksum mismatch, and the launch asks for a fresh upload.
   */
  prelude?: string;
}

export interface SharedUploads {
  /**
   * Puts the package on the lease's machine for `runId`'s start script (which checks it): uploads
   * at most once per machine, unless `fresh` (the start found the copy damaged) asks again.
   */
  deliver(
    lease: Lease,
    runId: string,
    progress: Progress,
    signal?: AbortSignal,
    fresh?: boolean,
  ): Promise<Uploaded>;
  /** The agent argv's first word as packaged (a shipped agent is named inside the archive). */
  packagedArgv0(): Promise<string>;
  /**
   * What to ask a reused machine in the connection that claims it (AcquireRequest.probe): the
   * commits its repository cache holds, from which `deliver` makes the upload thin.
   */
  probe?: string;
}

export function sharedUploads(pkg: Shipment, userGit: Git): SharedUploads {
  const byMachine = new Map<string, Promise<Uploaded>>();
  // thinArchive rewrites the package's stage: one at a time.
  let thinning: Promise<unknown> = Promise.resolve();

  async function upload(lease: Lease, runId: string, progress: Progress, signal?: AbortSignal) {
    const machine = lease.machine;
    let file = {
      archivePath: pkg.archivePath,
      archiveSha256: pkg.archiveSha256,
      archiveBytes: pkg.archiveBytes,
    };
    // A machine that was here before this run (reused, or named with --vm-name) may hold part of
    // the history in its cache; a new one holds none.
    if (lease.reused || lease.probed !== undefined) {
      const known = await knownCommits(lease, userGit, pkg.manifest.repoKey, signal);
      if (known.length > 0) {
        const made = thinning.then(async () => {
          const thin = await thinArchive(pkg, known);
          const own = join(pkg.dir, `context-thin-${machine.name}.tar.gz`);
          await rename(thin.archivePath, own);
          return { ...thin, archivePath: own };
        });
        thinning = made.catch(() => {});
        file = await made;
      }
    }
    const thin = file.archivePath !== pkg.archivePath;
    progress.report(
      "transfer",
      `uploading ${(file.archiveBytes / 1024 / 1024).toFixed(2)} MB to ${machine.name}${thin ? " (only what it lacks)" : ""}`,
    );
    // Copied alone: the start script checks the sha256 and moves the archive into the run's directory.
    await machine.upload(file.archivePath, incomingArchive(runId), signal, { checkedByCaller: true });
    return { runId, sha256: file.archiveSha256 };
  }

  return {
    async deliver(lease, runId, progress, signal, fresh = false) {
      const name = lease.machine.name;
      const earlier = byMachine.get(name);
      if (fresh) return upload(lease, runId, progress, signal);
      if (earlier) {
        const shared = await earlier.catch(() => null);
        if (shared) {
          const link = shareArchiveScript(shared.runId, runId, ARCHIVE_NAME);
          return { ...shared, prelude: `( ${link}\n) >/dev/null 2>&1 || true` };
        }
      }
      const mine = upload(lease, runId, progress, signal);
      if (!earlier) byMachine.set(name, mine);
      return mine;
    },
    probe: pkg.manifest.repoKey ? cacheProbeScript(pkg.manifest.repoKey) : undefined,
    async packagedArgv0() {
      const argv = await readFile(join(pkg.stage, "agent.argv"), "utf8");
      return argv.split("\0")[0];
    },
  };
}

/**
 * Commits the machine's repository cache holds that this repository also has (prerequisites must
 * exist here too): as the claim's connection probed them, or asked now when it did not.
 */
async function knownCommits(
  lease: Lease,
  git: Git,
  repoKey: string,
  signal?: AbortSignal,
): Promise<string[]> {
  if (!repoKey) return [];
  const answer =
    lease.probed ??
    (await lease.machine
      .exec(cacheProbeScript(repoKey), { signal, timeoutMs: 120_000 })
      .then((r) => (r.exitCode === 0 ? r.stdout : ""))
      .catch(() => ""));
  const candidates = answer.split("\n").filter((l) => /^[0-9a-f]{40,64}$/.test(l));
  return commitsPresent(git, candidates);
}
