/**
 * Wires the real collaborators for CLI commands: process runner, state store, targets.
 */

import type { ProgressListener } from "../core/progress.js";
import type { WorkflowDeps } from "../core/workflow/deps.js";
import { scanCacheDir, stateDir } from "../state/paths.js";
import { StateStore } from "../state/store.js";
import { createTarget } from "../targets/registry.js";
import { defaultRunner } from "../util/run.js";

export function cliDeps(onProgress?: ProgressListener): WorkflowDeps {
  const base = stateDir();
  return {
    runner: defaultRunner,
    store: new StateStore(),
    target: (name) => createTarget(name, { runner: defaultRunner, stateDir: base }),
    env: process.env,
    cwd: process.cwd(),
    scanCacheDir: scanCacheDir(base),
    onProgress,
    pollSeconds: process.env.AMPLIHACK_REMOTE_POLL_SECONDS
      ? Number(process.env.AMPLIHACK_REMOTE_POLL_SECONDS)
      : undefined,
  };
}
