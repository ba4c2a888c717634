/**
 * `start` and a detached `remote_execute`: one run per prompt. The cheap checks and the secret gate
 * run here, once for the whole batch (one package, scanned once), and their failures are returned
 * at once; the launch (acquire, upload once per machine, start) is handed to a worker process that
 * outlives the caller, so this returns the run ids within seconds. Nothing local needs to stay
 * alive: status, output, kill and retrieve pick the runs up from the state file and the machines.
 */
import { rm } from "node:fs/promises";
import { asRemoteError } from "../../util/errors.js";
import { attemptPrompts } from "../attempts/attempt-prompts.js";
import { launchBatch } from "../launch/launch-batch.js";
import type { RunOptionsInput } from "../options.js";
import { createProgress } from "../progress.js";
import { newRunId } from "../run-id.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { parseRunOptions } from "../workflow/execute-run.js";
import { prepareBatch } from "../workflow/prepare-run.js";

export interface StartOutcome {
  prompt: string;
  runId: string;
  ok: boolean;
  /** The machine, when the start waited for the launch; null while a worker is still acquiring it. */
  vm: string | null;
  /** launching: handed to a worker (follow with status); running: the agent runs. */
  state: "launching" | "running" | "failed";
  /** The launch worker's log, when there is one. */
  workerLog?: string;
  error?: { code: string; message: string; remedy: string };
}

export async function startDetached(
  deps: WorkflowDeps,
  base: Omit<RunOptionsInput, "prompt">,
  prompts: string[],
  options: { autoRetrieve?: boolean; signal?: AbortSignal } = {},
): Promise<StartOutcome[]> {
  // Validate every prompt before starting any, so a typo never half-starts a batch.
  // Best of N is the same prompt N times (core/attempts/).
  const asked = attemptPrompts(base.attempts, prompts);
  const parsed = asked.map((prompt) => parseRunOptions({ ...base, prompt } as RunOptionsInput));
  const progress = createProgress(deps.onProgress);
  const runs = parsed.map((opts) => ({ runId: newRunId(), options: opts }));
  const prepared = await prepareBatch(deps, runs, progress, options.signal).catch((err) => {
    const e = asRemoteError(err);
    return { failed: { code: e.code, message: e.message, remedy: e.remedy } };
  });
  if ("failed" in prepared) {
    return runs.map((r) => ({
      prompt: r.options.prompt,
      runId: r.runId,
      ok: false,
      vm: null,
      state: "failed" as const,
      error: prepared.failed,
    }));
  }
  const batch = {
    runs: prepared.runs,
    pkg: prepared.pkg,
    repoGit: prepared.validated.git,
    autoRetrieve: options.autoRetrieve ?? true,
  };
  if (deps.launcher) {
    let worker: { pid: number; log: string };
    try {
      worker = await deps.launcher.launch(runs[0].runId, prepared.validated.facts.root, batch);
    } catch (err) {
      await rm(prepared.pkg.dir, { recursive: true, force: true });
      throw err;
    }
    // The worker may already have moved a run on: only a run it has not touched yet is "queued".
    await deps.store.update((state) => {
      for (const { runId } of runs) {
        const r = state.runs[runId];
        if (!r) continue;
        r.detached = true;
        if (r.status !== "pending") continue;
        r.driverPid = worker.pid;
        r.phase ??= "queued";
        r.updatedAt = new Date().toISOString();
      }
    });
    progress.report("acquire", `handed to launch worker ${worker.pid} (log: ${worker.log})`);
    return runs.map((r) => ({
      prompt: r.options.prompt,
      runId: r.runId,
      ok: true,
      vm: null,
      state: "launching" as const,
      workerLog: worker.log,
    }));
  }
  const outcomes = await launchBatch(deps, batch, progress, options.signal);
  return outcomes.map((o, i) => ({
    prompt: runs[i].options.prompt,
    runId: o.runId,
    ok: !o.error,
    vm: o.vm,
    state: o.error ? ("failed" as const) : ("running" as const),
    error: o.error,
  }));
}
