/**
 * The run options as tool arguments: the very schemas of core/options.ts (same rules, same
 * defaults, same messages), with a description on each for the model reading the tool list.
 */
import { z } from "zod";
import { runOptionsShape } from "../../core/options.js";

export const runOptionsInput = {
  command: runOptionsShape.command.describe(
    "What the agent does: auto (autonomous), ultrathink (deep multi-step work), analyze (read and report), fix (fix a bug or failing check)",
  ),
  prompt: runOptionsShape.prompt.describe("The task for the agent, verbatim"),
  maxTurns: runOptionsShape.maxTurns.describe(
    "Turns of amplihack's auto mode, 1-50 (--max-turns); used by auto only: the other commands run one session to its end",
  ),
  vmSize: runOptionsShape.vmSize.describe(
    "Azure VM size (SKU) to provision, e.g. Standard_D4s_v3 (--vm-size)",
  ),
  vmName: runOptionsShape.vmName.describe(
    "Run on this existing VM instead of finding or provisioning one; it is never deleted (--vm-name)",
  ),
  keepVm: runOptionsShape.keepVm.describe("Keep the VM after the run (--keep-vm)"),
  noReuse: runOptionsShape.noReuse.describe(
    "Always provision a fresh VM instead of reusing an idle one of ours (--no-reuse)",
  ),
  timeoutMinutes: runOptionsShape.timeoutMinutes.describe(
    "Agent timeout in minutes, 5-480, enforced on the VM (--timeout)",
  ),
  region: runOptionsShape.region.describe("Azure region, e.g. eastus (--region)"),
  target: runOptionsShape.target.describe(
    "Where to run: azlin (an Azure VM) or local (a sandbox directory on this machine, to try things out) (--target)",
  ),
  agentCommand: runOptionsShape.agentCommand.describe(
    'Run this agent instead of amplihack: its argv, e.g. ["./my-agent.sh"] or ["node","agent.mjs"]; the prompt is appended as the last argument (--agent-command)',
  ),
  model: runOptionsShape.model.describe(
    "Claude model for the default agent, e.g. sonnet or claude-sonnet-4-5; default: amplihack's (opus[1m]) (--model)",
  ),
  forwardEnv: runOptionsShape.forwardEnv.describe(
    'Names of more environment variables to hand to the agent, e.g. ["AWS_ACCESS_KEY_ID"]; values are never sent in arguments (--forward-env)',
  ),
  maxSizeMb: runOptionsShape.maxSizeMb.describe("Refuse to upload more than this many MB (--max-size)"),
};

export const repoPathInput = z
  .string()
  .min(1)
  .optional()
  .describe("The git repository to work on (default: the project Claude Code runs in)");
