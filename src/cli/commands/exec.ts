/**
 * `amplihack-remote exec [OPTIONS] COMMAND PROMPT`: the whole run, synchronously.
 */

import { ensureStateDir } from "../../core/app/kit.js";
import { attemptsExitCode } from "../../core/attempts/attempt-exit.js";
import { executeAttempts } from "../../core/attempts/execute-attempts.js";
import { formatAttempts } from "../../core/attempts/format-attempts.js";
import { summaryExitCode } from "../../core/exit-code.js";
import type { RunOptionsInput } from "../../core/options.js";
import { attemptsOutcomeViewSchema } from "../../core/views/attempts.js";
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
  if (input.attempts) return execAttempts(input, opts, progress);
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

/** `exec --attempts N`: every attempt's summary, then the table to choose from. */
async function execAttempts(
  input: RunOptionsInput,
  opts: { json: boolean; signal: AbortSignal },
  progress: ReturnType<typeof progressRenderer>,
): Promise<number> {
  try {
    const { view, summaries } = await executeAttempts(cliDeps(progress.listener), input, opts.signal);
    progress.done();
    if (opts.json) printJson(attemptsOutcomeViewSchema, { attempts: view, summaries });
    else printText([...summaries.map(formatSummary), formatAttempts(view)].join("\n\n"));
    return attemptsExitCode(view);
  } finally {
    progress.done();
  }
}
