/**
 * What runs on the machine for each COMMAND. The default agent is amplihack-rs's launcher,
 * `amplihack claude`, as azlin's cloud-init installs it (rysweet/amplihack-rs@fdd7ba96):
 *
 * - `auto` is amplihack's auto mode: `amplihack claude --auto --max-turns N -- [--model M] -p P`.
 *   --max-turns is amplihack's own (cli_commands.rs:101-103): the turns of the auto loop (turn 1
 *   clarifies, turn 2 plans, turns 3..N execute and evaluate: auto_mode/channel.rs:6-11,307-316).
 *   Each turn runs `amplihack claude --no-reflection --subprocess-safe -- [--model M]
 *   --dangerously-skip-permissions --verbose -p <turn prompt>` (auto_mode/helpers.rs:119-127,
 *   315-340): everything after our `--` reaches every turn's Claude Code.
 * - `ultrathink`, `analyze`, `fix` are amplihack's slash commands, run as one Claude Code session:
 *   `amplihack claude -- [--model M] -p "/amplihack:<COMMAND> P"`. amplihack has no
 *   --ultrathink/--analyze/--fix flags; its plain launch injects --dangerously-skip-permissions
 *   (commands/mod.rs:118-130) and --model opus[1m] unless one is given (launch/command.rs:55-63).
 *   Not auto mode, because auto mode wraps the prompt in its phase prompts, so the slash command
 *   would no longer lead the prompt Claude Code reads (channel.rs:319-325). --max-turns does not
 *   apply: the session ends when the workflow does, bounded by --timeout. It is never handed to
 *   Claude Code as its own --max-turns, which caps model calls and stops the agent mid-task.
 *
 * --max-budget-usd goes after the `--` too, as Claude Code's own `--max-budget-usd` (it works with
 * -p only; both forms above use -p). A custom agent is not given it: it has no known spelling.
 *
 * A custom agent (--agent-command) gets PROMPT as its last argument, byte for byte.
 */
import type { AgentCommandName } from "./options.js";

/**
 * Claude Code's "continue the most recent conversation in this directory", after amplihack's `--`
 * (amplihack passes it through). A continued ultrathink/analyze/fix run carries it: their Claude
 * Code runs in the workspace, where runner.sh puts the earlier run's conversation (and takes the
 * argument out again when that is not on the machine; core/continue/). Auto mode does not: amplihack
 * stages every auto run to a fresh temporary directory (prepare_auto_mode_execution) and each turn
 * is a Claude Code session of its own, so no conversation would be found there; a continued auto
 * run starts from the earlier run's commits alone.
 */
export const RESUME_ARG = "--continue";

export interface AgentInvocation {
  argv: string[];
  /** True when the default agent is used (it needs a Claude credential and the amplihack tooling). */
  isDefaultAgent: boolean;
}

export function agentInvocation(input: {
  command: AgentCommandName;
  prompt: string;
  maxTurns: number;
  model?: string;
  maxBudgetUsd?: number;
  agentCommand?: string[];
  continueFrom?: string;
}): AgentInvocation {
  const { command, prompt, maxTurns, model, maxBudgetUsd, agentCommand, continueFrom } = input;
  if (agentCommand) return { argv: [...agentCommand, prompt], isDefaultAgent: false };
  // Claude Code's own arguments, after amplihack's `--`: amplihack keeps a --model it is given,
  // and passes the rest through to Claude Code untouched (its --max-budget-usd needs -p, which
  // every invocation here uses).
  const claudeArgs = [
    ...(model ? ["--model", model] : []),
    ...(maxBudgetUsd !== undefined ? ["--max-budget-usd", String(maxBudgetUsd)] : []),
    ...(continueFrom && command !== "auto" ? [RESUME_ARG] : []),
  ];
  if (command === "auto") {
    return {
      argv: [
        "amplihack",
        "claude",
        "--auto",
        "--max-turns",
        String(maxTurns),
        "--",
        ...claudeArgs,
        "-p",
        prompt,
      ],
      isDefaultAgent: true,
    };
  }
  return {
    argv: ["amplihack", "claude", "--", ...claudeArgs, "-p", `/amplihack:${command} ${prompt}`],
    isDefaultAgent: true,
  };
}
