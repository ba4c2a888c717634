/**
 * The launch worker: a process of its own (started detached by core/launch/launcher.ts) that
 * carries out a job file and exits. It outlives the CLI or MCP server that started it; its
 * progress reaches whoever asks through the run records' launch phases, and a line per event goes
 * to its log next to the job. SIGTERM/SIGINT stop it cleanly: each unfinished run is marked failed
 * and its machine given back.
 */
import { rm } from "node:fs/promises";
import { createAppKit } from "../app/kit.js";
import { createProgress } from "../progress.js";
import { LAUNCH_WORKER_FLAG } from "./flag.js";
import { readJob } from "./job.js";
import { launchBatch } from "./launch-batch.js";

/** An entry point calls this first: true when this process is a launch worker (and then runs it). */
export function runAsLaunchWorker(argv: readonly string[]): boolean {
  const at = argv.indexOf(LAUNCH_WORKER_FLAG);
  if (at < 0) return false;
  runLaunchWorker(argv[at + 1]).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`launch worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
  return true;
}

export async function runLaunchWorker(jobFile: string): Promise<number> {
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
  log(`launching ${job.runs.map((r) => r.runId).join(", ")} from ${job.repo}`);
  const deps = kit.deps({ cwd: job.repo, onProgress: (e) => log(`${e.stage}: ${e.message}`) });
  const outcomes = await launchBatch(deps, batch, createProgress(deps.onProgress), controller.signal);
  for (const o of outcomes)
    log(o.error ? `${o.runId} failed: ${o.error.message}` : `${o.runId} running on ${o.vm}`);
  await rm(jobFile, { force: true });
  return outcomes.every((o) => !o.error) ? 0 : 1;
}
