/**
 * Wires the real collaborators for MCP tool calls, like cli/deps.ts does for the CLI. State lives
 * under ${CLAUDE_PLUGIN_DATA} when Claude Code runs us (see state/paths.ts), so run records survive
 * plugin updates and server restarts.
 */
import type { ProgressListener } from "../core/progress.js";
import type { WorkflowDeps } from "../core/workflow/deps.js";
import { runsFile, scanCacheDir, stateDir } from "../state/paths.js";
import { StateStore } from "../state/store.js";
import { createTarget } from "../targets/registry.js";
import { defaultRunner } from "../util/run.js";

export function mcpDeps(input: {
  env: NodeJS.ProcessEnv;
  cwd: string;
  onProgress?: ProgressListener;
}): WorkflowDeps {
  const base = stateDir(input.env);
  const poll = input.env.AMPLIHACK_REMOTE_POLL_SECONDS;
  return {
    runner: defaultRunner,
    store: new StateStore(runsFile(base)),
    target: (name) => createTarget(name, { runner: defaultRunner, stateDir: base }),
    env: input.env,
    cwd: input.cwd,
    scanCacheDir: scanCacheDir(base),
    onProgress: input.onProgress,
    pollSeconds: poll ? Number(poll) : undefined,
  };
}
