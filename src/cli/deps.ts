/**
 * The CLI's app kit: the shared one (core/app/kit.ts) over this process's environment and
 * working directory.
 */
import { type AppKit, createAppKit } from "../core/app/kit.js";
import type { ProgressListener } from "../core/progress.js";
import type { WorkflowDeps } from "../core/workflow/deps.js";

export function cliKit(): AppKit {
  return createAppKit({ env: process.env, cwd: process.cwd() });
}

export function cliDeps(onProgress?: ProgressListener): WorkflowDeps {
  return cliKit().deps({ onProgress });
}
