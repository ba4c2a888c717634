/**
 * The environment's knobs on how a run is followed and brought home. Read when the collaborators
 * of an operation are wired (app/kit.ts) and again by validation, so a bad value is a usage error
 * before anything is spent, not a surprise in a detached worker nobody watches.
 */
import { envNumber } from "../../util/env-number.js";
import type { WorkflowDeps } from "./deps.js";

export function runKnobs(
  env: NodeJS.ProcessEnv,
): Pick<WorkflowDeps, "pollSeconds" | "streamResultsMaxBytes"> {
  // 0 brings every run's results home with a copy of their own instead of over the follow stream
  // (a slow or metered link may prefer it; the tests use it to stand at the copy).
  const streamMb = envNumber(env, "AMPLIHACK_REMOTE_STREAM_RESULTS_MAX_MB", { zeroAllowed: true });
  return {
    pollSeconds: envNumber(env, "AMPLIHACK_REMOTE_POLL_SECONDS"),
    streamResultsMaxBytes: streamMb === undefined ? undefined : Math.floor(streamMb * 1024 * 1024),
  };
}
