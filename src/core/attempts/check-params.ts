/**
 * runner.sh's parameters for the --check step (src/remote/runner.sh, "the --check step"): the
 * command, and its time limit, never more than the run's own.
 */
import { timeoutSeconds } from "../../package/build-context.js";
import type { RunOptions } from "../options.js";

export function checkParams(options: RunOptions, env: NodeJS.ProcessEnv): Record<string, string> {
  if (!options.check) return {};
  const limit = Math.min(options.checkTimeoutMinutes * 60, timeoutSeconds(options, env));
  return { AR_CHECK: options.check, AR_CHECK_TIMEOUT_SECONDS: String(limit) };
}
