/**
 * `amplihack-remote exec --plan [OPTIONS] COMMAND PROMPT`: what the run would do and cost, with
 * nothing started and nothing billed (core/plan/plan-run.ts).
 */
import type { RunOptionsInput } from "../../core/options.js";
import { formatPlan, planRun } from "../../core/plan/plan-run.js";
import { ExitCode } from "../../util/errors.js";
import { cliKit } from "../deps.js";
import { writeOut } from "../stdio.js";

export async function planCommand(
  input: RunOptionsInput,
  opts: { json: boolean; signal: AbortSignal },
): Promise<number> {
  const kit = cliKit();
  const plan = await planRun(kit.deps(), kit.fleet, input, opts.signal);
  writeOut(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : `${formatPlan(plan)}\n`);
  // A plan whose run would be refused (secret, size) says so in its exit code too.
  return plan.gate.blocked || !plan.upload.fits ? ExitCode.runFailed : ExitCode.ok;
}
