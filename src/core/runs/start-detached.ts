/**
 * `start`: launches one run per prompt, in parallel, and returns as soon as each agent is running
 * on its machine. Nothing local needs to stay alive: status, output, kill and retrieve pick the
 * runs up from the state file and the machines.
 */
import { rm } from "node:fs/promises";
import type { Target } from "../../targets/types.js";
import { asRemoteError } from "../../util/errors.js";
import type { RunOptionsInput } from "../options.js";
import { poolingTarget } from "../pool.js";
import { createProgress } from "../progress.js";
import { newRunId } from "../run-id.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { parseRunOptions } from "../workflow/execute-run.js";
import { startRun } from "../workflow/start-run.js";

export interface StartOutcome {
  prompt: string;
  runId: string;
  ok: boolean;
  vm: string | null;
  error?: { code: string; message: string; remedy: string };
}

export async function startDetached(
  deps: WorkflowDeps,
  base: Omit<RunOptionsInput, "prompt">,
  prompts: string[],
  options: { autoRetrieve?: boolean; signal?: AbortSignal } = {},
): Promise<StartOutcome[]> {
  // Validate every prompt before starting any, so a typo never half-starts a batch.
  const parsed = prompts.map((prompt) => parseRunOptions({ ...base, prompt } as RunOptionsInput));
  const progress = createProgress(deps.onProgress);
  // One pooling wrapper per target for the whole batch, so its runs share VMs by capacity.
  const pooled = new Map<string, Target>();
  const batchDeps: WorkflowDeps = {
    ...deps,
    target: (name) => {
      let t = pooled.get(name);
      if (!t) {
        t = poolingTarget(deps.target(name));
        pooled.set(name, t);
      }
      return t;
    },
  };
  return Promise.all(
    parsed.map(async (opts) => {
      const runId = newRunId();
      try {
        const started = await startRun(batchDeps, opts, progress, options.signal, runId);
        await rm(started.pkg.dir, { recursive: true, force: true });
        await deps.store.patchRun(runId, {
          detached: true,
          driverPid: null,
          autoRetrieve: options.autoRetrieve ?? true,
        });
        return { prompt: opts.prompt, runId, ok: true, vm: started.lease.machine.name };
      } catch (err) {
        const e = asRemoteError(err);
        return {
          prompt: opts.prompt,
          runId,
          ok: false,
          vm: null,
          error: { code: e.code, message: e.message, remedy: e.remedy },
        };
      }
    }),
  );
}
