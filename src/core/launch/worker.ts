/**
 * The launch worker: a process of its own (started detached by core/launch/launcher.ts) that
 * carries out a job file and exits. It outlives the CLI or MCP server that started it; its
 * progress reaches whoever asks through the run records' launch phases, and a line per event goes
 * to its log next to the job. SIGTERM/SIGINT stop it cleanly: each unfinished run is marked failed
 * and its machine given back, except a run queued for a VM, which keeps its place (and the job
 * file and package stay) for the next of our processes to resume.
 */
import { createAppKit } from "../app/kit.js";
import { createProgress } from "../progress.js";
import { claimRuns, jobStillNeeded } from "./claim-runs.js";
import { LAUNCH_WORKER_FLAG } from "./flag.js";
import { dropJob, readJob } from "./job.js";
import { launchBatch } from "./launch-batch.js";

/** An entry point calls this first: true when this process is a launch worker (and then runs it). */
export function runAsLaunchWorker(argv: readonly string[]): boolean {
  const at = argv.indexOf(LAUNCH_WORKER_FLAG);
  if (at < 0) return false;
  const spawner = Number(argv[at + 2]);
  runLaunchWorker(argv[at + 1], Number.isInteger(spawner) && spawner > 0 ? spawner : null).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`launch worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
  return true;
}

export async function runLaunchWorker(jobFile: string, spawnerPid: number | null = null): Promise<number> {
  const log = (m: string) => process.stdout.write(`${new Date().toISOString()} ${m}\n`);
  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(sig, () => {
      log(`${sig}: stopping; unfinished runs give their machines back`);
      controller.abort(new Error(`launch worker stopped by ${sig}`));
    });
  }
  const kit = createAppKit({ env: process.env, cwd: process.cwd() });
  const { job, batch } = await readJob(jobFile, kit.deps().runner);
  const deps = kit.deps({ cwd: job.repo, onProgress: (e) => log(`${e.stage}: ${e.message}`) });
  const allIds = job.runs.map((r) => r.runId);
  const mine = await claimRuns(deps.store, allIds, jobFile, spawnerPid);
  log(
    `launching ${mine.join(", ") || "nothing (every run is started or driven elsewhere)"} from ${job.repo}`,
  );
  const outcomes = await launchBatch(
    deps,
    { ...batch, runs: batch.runs.filter((r) => mine.includes(r.runId)) },
    createProgress(deps.onProgress),
    controller.signal,
  );
  for (const o of outcomes)
    log(o.error ? `${o.runId} failed: ${o.error.message}` : `${o.runId} running on ${o.vm}`);
  // Runs still queued (this worker was stopped while they waited) keep the job for the next worker.
  if (!(await jobStillNeeded(deps.store, allIds))) {
    await dropJob(jobFile);
  }
  return outcomes.every((o) => !o.error) ? 0 : 1;
}
