/**
 * `amplihack-remote exec [OPTIONS] COMMAND PROMPT`: the whole run, synchronously.
 */

import { ensureStateDir } from "../../core/app/kit.js";
import { summaryExitCode } from "../../core/exit-code.js";
import type { RunOptionsInput } from "../../core/options.js";
import { runSummarySchema } from "../../core/views/run-summary.js";
import { executeRun, parseRunOptions } from "../../core/workflow/execute-run.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { cliDeps } from "../deps.js";
import { printJson, printText } from "../print.js";
import { progressRenderer } from "../render-progress.js";

export async function execCommand(
  input: RunOptionsInput,
  opts: { json: boolean; signal: AbortSignal },
): Promise<number> {
  parseRunOptions(input); // refuse bad input before printing anything else
  await ensureStateDir(); // and an unusable environment before anything starts
  const progress = progressRenderer({ json: opts.json });
  try {
    const summary = await executeRun(cliDeps(progress.listener), input, opts.signal);
    progress.done();
    if (opts.json) printJson(runSummarySchema, summary);
    else printText(formatSummary(summary));
    return summaryExitCode(summary);
  } finally {
    progress.done();
  }
}
