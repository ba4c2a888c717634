/**
 * Hands a prepared batch to a launch worker: writes its job file and starts the worker detached
 * (its own session, output to a log file, not waited for), so acquiring, uploading and starting go
 * on after the CLI or the MCP server that asked has returned, or exited.
 *
 * Which file the worker runs depends on how we are running: from TypeScript source, worker-main.ts
 * under tsx; from a single-file bundle, the bundle itself with LAUNCH_WORKER_FLAG.
 */
import { mkdir, readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StateStore } from "../../state/store.js";
import { spawnDetached } from "../../util/run.js";
import { holdScratchDir, holdScratchDirForJob, sweepScratchDirs } from "../../util/scratch-dirs.js";
import { jobStillNeeded } from "./claim-runs.js";
import { LAUNCH_WORKER_FLAG } from "./flag.js";
import { dropJob, jobOf, jobPackageDir, jobRunIds, writeJob } from "./job.js";
import type { LaunchBatch } from "./launch-batch.js";

export interface Launcher {
  /** Starts a worker for the batch; returns its pid and where it logs. */
  launch(batchId: string, repo: string, batch: LaunchBatch): Promise<{ pid: number; log: string }>;
  /**
   * Starts a new worker on the job file of one that died with runs still queued (src/core/queue/):
   * it launches the runs of that job this process has claimed for it.
   */
  resume(jobFile: string, repo: string): Promise<{ pid: number; log: string }>;
  /**
   * Removes the job files (and packages) no run can be launched from any more: a worker that
   * died leaves its job behind, and nobody adopts a job whose runs all ended. Returns how many went.
   */
  tidy(store: StateStore): Promise<number>;
  /**
   * Removes the temporary directories (packages, fetched results) of our processes that are gone,
   * keeping the packages job files still point at (a queue waiting for its next worker). Returns
   * how many went; never throws.
   */
  sweep(): Promise<number>;
}

export function detachedLauncher(input: {
  stateDir: string;
  env: NodeJS.ProcessEnv;
  /** Where our temporary directories are (the system's temporary directory; tests use their own). */
  scratchRoot?: string;
}): Launcher {
  return {
    async launch(batchId, repo, batch) {
      const dir = join(input.stateDir, "launch");
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const jobFile = join(dir, `${batchId}.json`);
      const log = join(dir, `${batchId}.log`);
      // Held for the job before its file names it: whoever sweeps later keeps it while the job lasts.
      await holdScratchDirForJob(batch.pkg.dir, jobFile);
      await writeJob(jobFile, jobOf(batchId, repo, batch));
      return spawnWorker(jobFile, repo, log);
    },
    async resume(jobFile, repo) {
      return spawnWorker(jobFile, repo, jobFile.replace(/\.json$/, ".log"));
    },
    async tidy(store) {
      const dir = join(input.stateDir, "launch");
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));
      let dropped = 0;
      for (const file of files) {
        const ids = await jobRunIds(join(dir, file));
        // Unreadable (being written, or not ours): left alone. A job's runs are recorded before
        // its file is written, so a job with none pending or queued is done for good.
        if (ids === null || (await jobStillNeeded(store, ids))) continue;
        await dropJob(join(dir, file));
        dropped += 1;
      }
      return dropped;
    },
    async sweep() {
      // A job's package carries its own hold (held-by-job, written by launch): any process keeps
      // it. The job files read here also keep the packages of jobs an older build wrote, which
      // carry no such hold.
      const dir = join(input.stateDir, "launch");
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));
      const wanted = new Set<string>();
      for (const file of files) {
        const pkg = await jobPackageDir(join(dir, file));
        // A job file that cannot be read may be being written: sweep nothing rather than its package.
        if (pkg === undefined) return 0;
        if (pkg) wanted.add(pkg);
      }
      return (await sweepScratchDirs({ root: input.scratchRoot, keep: (d) => wanted.has(d) })).length;
    },
  };

  async function spawnWorker(jobFile: string, repo: string, log: string) {
    // The worker takes over the runs this process holds (its pid is their driver until then).
    const [command, ...args] = [...workerCommand(jobFile), String(process.pid)];
    const pid = spawnDetached(command, args, { cwd: repo, env: input.env, logFile: log });
    // The package is the worker's now: this process may exit before the worker has read its job.
    const pkg = await jobPackageDir(jobFile);
    if (pkg) await holdScratchDir(pkg, pid).catch(() => {});
    return { pid, log };
  }
}

function workerCommand(jobFile: string): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    // tsx by absolute URL: a bare `--import tsx` would be resolved from the repository's directory.
    return [
      process.execPath,
      "--import",
      import.meta.resolve("tsx"),
      join(dirname(here), "worker-main.ts"),
      LAUNCH_WORKER_FLAG,
      jobFile,
    ];
  }
  if (basename(here) === "launcher.js") {
    return [process.execPath, join(dirname(here), "worker-main.js"), LAUNCH_WORKER_FLAG, jobFile];
  }
  return [process.execPath, here, LAUNCH_WORKER_FLAG, jobFile];
}
