/**
 * What every tool handler gets from the server: the environment it runs in and a way to build the
 * core's collaborators. Tests make one with their own environment (an isolated state directory, a
 * temporary repository, the fake azlin) instead of the process's.
 */

import { createAppKit } from "../core/app/kit.js";
import type { ProgressListener } from "../core/progress.js";
import type { VmFleet } from "../core/vm-inventory.js";
import type { WorkflowDeps } from "../core/workflow/deps.js";

export interface ToolContext {
  env: NodeJS.ProcessEnv;
  /** The repository a tool works on when the call names none. */
  defaultRepo: string;
  /** Core collaborators for one call; `repo` overrides the default repository. */
  deps(options?: { onProgress?: ProgressListener; repo?: string }): WorkflowDeps;
  /** Our VMs in Azure, as the inventory and the reaper see them. */
  fleet(): VmFleet;
  /** How often a long call sends a progress notification when nothing else happened. */
  heartbeatMs: number;
}

export interface ContextOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  fleet?: () => VmFleet;
  heartbeatMs?: number;
}

/** Claude Code starts plugin servers in the project directory; CLAUDE_PROJECT_DIR says so when set. */
export function createContext(options: ContextOptions = {}): ToolContext {
  const env = options.env ?? process.env;
  const defaultRepo = env.CLAUDE_PROJECT_DIR || options.cwd || process.cwd();
  // State lives under ${CLAUDE_PLUGIN_DATA} when Claude Code runs us (state/paths.ts), so run
  // records survive plugin updates and server restarts.
  const kit = createAppKit({ env, cwd: defaultRepo });
  return {
    env,
    defaultRepo,
    deps: (o = {}) => kit.deps({ cwd: o.repo ?? defaultRepo, onProgress: o.onProgress }),
    fleet: options.fleet ?? kit.fleet,
    heartbeatMs: options.heartbeatMs ?? 15_000,
  };
}
