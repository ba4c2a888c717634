/**
 * The one app kit both adapters stand on: from an environment and a directory it wires the
 * process runner, the state store, the targets and the VM fleet. The CLI passes its process's
 * environment, the MCP server the one it was given; nothing else builds these.
 */
import { runsFile, scanCacheDir, stateDir, writableStateDir } from "../../state/paths.js";
import { StateStore } from "../../state/store.js";
import { createAzlinFleet } from "../../targets/azlin/fleet.js";
import type { VmFleet } from "../../targets/types.js";
import { defaultRunner, type Runner } from "../../util/run.js";
import { detachedLauncher } from "../launch/launcher.js";
import type { ProgressListener } from "../progress.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { runKnobs } from "../workflow/run-knobs.js";
import { createTarget } from "./targets.js";

/** The bundled server also runs as the secret scan's worker process (secrets/worker-pool.ts). */
export { isScanWorker } from "../../secrets/index.js";

export interface AppKit {
  env: NodeJS.ProcessEnv;
  /** The collaborators of one operation; `cwd` is where its repository is found. */
  deps(options?: { cwd?: string; onProgress?: ProgressListener }): WorkflowDeps;
  store(): StateStore;
  /** Our VMs in Azure, as the inventory and the reaper see them. */
  fleet(): VmFleet;
}

export function createAppKit(input: { env: NodeJS.ProcessEnv; cwd: string; runner?: Runner }): AppKit {
  const { env } = input;
  const runner = input.runner ?? defaultRunner;
  const base = stateDir(env);
  const store = () => new StateStore(runsFile(base));
  return {
    env,
    store,
    deps: (o = {}) => ({
      ...runKnobs(env),
      runner,
      store: store(),
      target: (name) => createTarget(name, { runner, stateDir: base, env }),
      env,
      cwd: o.cwd ?? input.cwd,
      scanCacheDir: scanCacheDir(base),
      onProgress: o.onProgress,
      launcher: detachedLauncher({ stateDir: base, env }),
    }),
    fleet: () => createAzlinFleet({ runner, env }),
  };
}

/** Refuses an unusable state directory (unwritable HOME, read-only dir) before anything starts. */
export async function ensureStateDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return writableStateDir(env);
}
