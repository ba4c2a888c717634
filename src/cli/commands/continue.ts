/**
 * `amplihack-remote continue RUN [PROMPT]`: a new run from RUN's result branch, on RUN's machine
 * when it was kept, followed to its end like `exec` (core/continue/).
 */
import { ensureStateDir } from "../../core/app/kit.js";
import { type ContinueInput, continueRun } from "../../core/continue/continue-run.js";
import { formatChain } from "../../core/continue/run-chain.js";
import { summaryExitCode } from "../../core/exit-code.js";
import { continueViewSchema } from "../../core/views/continue.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { RemoteError } from "../../util/errors.js";
import { cliDeps } from "../deps.js";
import { printJson, printText } from "../print.js";
import { progressRenderer } from "../render-progress.js";

export async function continueCommand(
  runId: string,
  input: ContinueInput,
  opts: { json: boolean; signal: AbortSignal },
): Promise<number> {
  if (input.attempts) {
    throw new RemoteError(
      "usage",
      "`continue` starts one run; best of N from an earlier run's result is `exec --continue-from RUN --attempts N`.",
      `Run: amplihack-remote exec --continue-from ${runId} --attempts ${input.attempts} COMMAND PROMPT`,
    );
  }
  await ensureStateDir();
  const progress = progressRenderer({ json: opts.json });
  try {
    const { summary, chain } = await continueRun(cliDeps(progress.listener), runId, input, opts.signal);
    progress.done();
    if (opts.json) printJson(continueViewSchema, { chain, summary });
    else printText(`Chain: ${formatChain(chain)}\n${formatSummary(summary)}`);
    return summaryExitCode(summary);
  } finally {
    progress.done();
  }
}
