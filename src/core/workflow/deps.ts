/**
 * What the workflow needs from the outside world, injected so tests can swap any of it and so
 * core/ never spawns a process itself.
 */

import type { StateStore } from "../../state/store.js";
import type { Target } from "../../targets/types.js";
import type { Runner } from "../../util/run.js";
import type { Launcher } from "../launch/launcher.js";
import type { TargetName } from "../options.js";
import type { ProgressListener } from "../progress.js";

export interface WorkflowDeps {
  runner: Runner;
  store: StateStore;
  /** Builds the target for a run (local sandbox or azlin). */
  target: (name: TargetName) => Target;
  env: NodeJS.ProcessEnv;
  /** The user's working directory (the repository is found from here). */
  cwd: string;
  scanCacheDir?: string;
  onProgress?: ProgressListener;
  /** Seconds between status polls while following a run. */
  pollSeconds?: number;
  /**
   * Results archives up to this size come home over the stream that follows the run (no copy of
   * their own); larger ones are copied. Default 32 MiB; 0 always copies.
   */
  streamResultsMaxBytes?: number;
  /**
   * Where a detached start's launch (acquire, upload, start) runs: a worker process that outlives
   * the caller (the app kit gives one). Without it, the launch runs in this process and the start
   * waits for it (library use).
   */
  launcher?: Launcher;
}
