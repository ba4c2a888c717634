/**
 * The exit code of a finished run, derived in one place for every command that ends with a
 * summary (`exec`, `retrieve`); a failure's exit code comes from its error code (util/errors.ts),
 * so a run ended by an error exits as that error would.
 */
import type { RunSummary } from "../state/run-summary.js";
import { type ErrorCode, ExitCode, type ExitCodeValue, exitCodeFor } from "../util/errors.js";

export function summaryExitCode(summary: Pick<RunSummary, "status" | "error">): ExitCodeValue {
  switch (summary.status) {
    case "succeeded":
      return ExitCode.ok;
    case "timed-out":
      return ExitCode.timedOut;
    case "killed":
      return ExitCode.interrupted;
    case "error":
      return exitCodeFor[summary.error?.code as ErrorCode] ?? ExitCode.target;
    default:
      return ExitCode.runFailed;
  }
}
