/**
 * `continue RUN [PROMPT]`: a new run from RUN's result branch (core/continue/resolve-parent.ts),
 * with RUN's command unless another is asked for, followed to its end like `exec`. Its results land
 * as a run of its own; the chain of runs it continues comes with its summary.
 */
import type { RunSummary } from "../../state/run-summary.js";
import { COMMANDS, type RunOptionsInput } from "../options.js";
import { loadRun } from "../runs/refresh-run.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { executeRun } from "../workflow/execute-run.js";
import { runChain } from "./run-chain.js";

export const DEFAULT_CONTINUE_PROMPT =
  "Continue the previous work where it stopped: finish what is left of the task and commit it.";

export type ContinueInput = Omit<RunOptionsInput, "command" | "prompt" | "continueFrom"> & {
  command?: RunOptionsInput["command"];
  prompt?: string;
};

/** The run options of a continuation: RUN's command and the default prompt unless given. */
export async function continueInput(
  deps: WorkflowDeps,
  runId: string,
  input: ContinueInput,
): Promise<RunOptionsInput> {
  const parent = await loadRun(deps, runId);
  const command = input.command ?? COMMANDS.find((c) => c === parent.command) ?? "auto";
  return { ...input, command, prompt: input.prompt ?? DEFAULT_CONTINUE_PROMPT, continueFrom: parent.id };
}

export async function continueRun(
  deps: WorkflowDeps,
  runId: string,
  input: ContinueInput,
  signal?: AbortSignal,
): Promise<{ summary: RunSummary; chain: string[] }> {
  const summary = await executeRun(deps, await continueInput(deps, runId, input), signal);
  return { summary, chain: await runChain(deps.store, summary.runId) };
}
