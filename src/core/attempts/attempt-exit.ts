/**
 * The exit code of a best-of-N run: success when at least one attempt succeeded (and passed its
 * --check, when one ran): there is a result to choose.
 */
import { ExitCode, type ExitCodeValue } from "../../util/errors.js";
import type { AttemptsView } from "../views/attempts.js";

export function attemptsExitCode(view: AttemptsView): ExitCodeValue {
  const usable = view.rows.some((r) => r.status === "succeeded" && (r.checkExitCode ?? 0) === 0);
  return usable ? ExitCode.ok : ExitCode.runFailed;
}
