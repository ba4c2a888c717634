/**
 * Our temporary directories (a package, the results fetched, a scratch repository): named with the
 * pid of the process that made them, so a later run can remove the ones whose process is gone.
 * A process killed outright (SIGKILL, a crash, a closed container) cannot remove its own, and a
 * package holds the repository's whole history: left alone, they fill the disk run after run.
 *
 * A package handed to another process (the launch worker) gets a marker beside it naming that
 * process (`<dir>.held-by-<pid>`); the directory stays while any process it names is alive. A
 * package a launch job still needs gets `<dir>.held-by-job`, holding the job file's path: it stays
 * while that file exists, whoever sweeps. The job's worker may die before its runs leave the queue,
 * and the process that sweeps next may keep its state elsewhere (the plugin's state directory is
 * not the CLI's) and so know nothing of the job.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "amplihack-remote-";
/** `amplihack-remote-<kind>-<pid>-<mkdtemp's six characters>` */
const NAMED = /^amplihack-remote-(?:pkg|results|incoming|scan|wip)-(\d+)-[A-Za-z0-9]{6}$/;
/**
 * Made by a build that did not name its pid: `amplihack-remote-<kind>-<six>`, or the old
 * `amplihack-wip-`. Only our scratch kinds: the demo's repository (scripts/demo.mjs) is the user's to look at.
 */
const UNNAMED = /^amplihack-(?:remote-(?:pkg|results|incoming|scan)|wip)-[A-Za-z0-9]{6}$/;
const HELD_BY = /^(.+)\.held-by-(\d+)$/;
const HELD_BY_JOB = /^(.+)\.held-by-job$/;
/** An unnamed directory is only taken for stale this long after it last changed. */
const UNNAMED_GRACE_MS = 24 * 3_600_000;

export type ScratchKind = "pkg" | "results" | "incoming" | "scan" | "wip";

/** A fresh directory of ours in the system's temporary directory, named with this process's pid. */
export function makeScratchDir(kind: ScratchKind): Promise<string> {
  return mkdtemp(join(tmpdir(), `${PREFIX}${kind}-${process.pid}-`));
}

/** Marks `dir` as held by `pid` too (a process that took it over from the one that made it). */
export async function holdScratchDir(dir: string, pid = process.pid): Promise<void> {
  await writeFile(`${dir}.held-by-${pid}`, "", { mode: 0o600 });
}

/** Marks `dir` as needed while the launch job file `jobFile` exists (see the header). */
export async function holdScratchDirForJob(dir: string, jobFile: string): Promise<void> {
  await writeFile(`${dir}.held-by-job`, jobFile, { mode: 0o600 });
}

/** Removes the job's hold on `dir` (the job is done, or dropped with its package). */
export async function releaseScratchDirForJob(dir: string): Promise<void> {
  await rm(`${dir}.held-by-job`, { force: true });
}

/** Whether a process with this pid exists (EPERM: it does, as another user's). */
export function processAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface SweepOptions {
  /** Directories still wanted though no process holds them (a queued launch job's package). */
  keep?: (dir: string) => boolean;
  /** Where to look; the system's temporary directory by default. */
  root?: string;
  now?: number;
}

/**
 * Removes our directories whose every holder is gone (and their markers); returns what went.
 * Never throws: a directory that cannot be read or removed is left for the next sweep.
 */
export async function sweepScratchDirs(options: SweepOptions = {}): Promise<string[]> {
  const root = options.root ?? tmpdir();
  const names = await readdir(root).catch(() => [] as string[]);
  const holders = new Map<string, number[]>();
  const jobHeld = new Set<string>();
  for (const name of names) {
    const m = HELD_BY.exec(name);
    if (m?.[1].startsWith("amplihack-")) holders.set(m[1], [...(holders.get(m[1]) ?? []), Number(m[2])]);
    const j = HELD_BY_JOB.exec(name);
    if (j?.[1].startsWith("amplihack-")) jobHeld.add(j[1]);
  }
  const removed: string[] = [];
  for (const name of names) {
    const named = NAMED.exec(name);
    if (!named && !UNNAMED.test(name)) continue;
    const dir = join(root, name);
    const held = [...(named ? [Number(named[1])] : []), ...(holders.get(name) ?? [])];
    if (held.some(processAlive) || options.keep?.(dir)) continue;
    if (jobHeld.has(name) && (await jobStillThere(dir))) continue;
    if (!named) {
      const changed = await stat(dir).then(
        (s) => s.mtimeMs,
        () => null,
      );
      if (changed === null || (options.now ?? Date.now()) - changed < UNNAMED_GRACE_MS) continue;
    }
    try {
      await rm(dir, { recursive: true, force: true });
      for (const pid of holders.get(name) ?? []) await rm(`${dir}.held-by-${pid}`, { force: true });
      if (jobHeld.has(name)) await releaseScratchDirForJob(dir);
      removed.push(dir);
    } catch {
      // in use or not ours to remove: the next sweep tries again
    }
  }
  // Markers whose directory is gone (removed by its holder) go too.
  const present = new Set(names);
  for (const [dirName, pids] of holders) {
    if (present.has(dirName)) continue;
    for (const pid of pids)
      await rm(join(root, `${dirName}.held-by-${pid}`), { force: true }).catch(() => {});
  }
  for (const dirName of jobHeld) {
    if (!present.has(dirName)) await releaseScratchDirForJob(join(root, dirName)).catch(() => {});
  }
  return removed;
}

/**
 * Whether the job file a `held-by-job` marker names still exists. A marker that cannot be read
 * (being written) holds too: removing a package a queue needs loses its runs; keeping one a sweep
 * too long costs only disk until the next.
 */
async function jobStillThere(dir: string): Promise<boolean> {
  const jobFile = await readFile(`${dir}.held-by-job`, "utf8").catch(() => null);
  if (jobFile === null || jobFile === "") return true;
  return stat(jobFile).then(
    () => true,
    (err: NodeJS.ErrnoException) => err.code !== "ENOENT",
  );
}
