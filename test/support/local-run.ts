/**
 * Runs the real workflow on the local target, in-process, with isolated state.
 */
import { join, resolve } from "node:path";
import { createTarget } from "../../src/core/app/targets.js";
import type { RunOptionsInput } from "../../src/core/options.js";
import type { ProgressEvent } from "../../src/core/progress.js";
import type { WorkflowDeps } from "../../src/core/workflow/deps.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { StateStore } from "../../src/state/store.js";
import { recordingRunner } from "../../src/util/run.js";

export const RECORDING_AGENT = resolve("test/fixtures/agents/recording-agent.sh");
export const EXAMPLE_AGENT = resolve("examples/agents/commit-agent.sh");

export function localDeps(repo: string, stateDir: string, env: NodeJS.ProcessEnv = {}) {
  const recorded = recordingRunner();
  const events: ProgressEvent[] = [];
  const deps: WorkflowDeps = {
    runner: recorded.runner,
    store: new StateStore(join(stateDir, "state.json")),
    target: (name) => createTarget(name, { runner: recorded.runner, stateDir }),
    env: { ...process.env, ...env },
    cwd: repo,
    scanCacheDir: join(stateDir, "scan-cache"),
    onProgress: (e) => events.push(e),
    pollSeconds: 0.2,
  };
  return { deps, calls: recorded.calls, events };
}

export function localOptions(prompt: string, extra: Partial<RunOptionsInput> = {}): RunOptionsInput {
  return { command: "auto", prompt, target: "local", agentCommand: [RECORDING_AGENT], ...extra };
}

export { executeRun };
