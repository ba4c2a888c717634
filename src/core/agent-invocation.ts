/**
 * What runs on the machine for each COMMAND. The default agent is amplihack; `auto` uses its
 * autonomous mode, the other three go through amplihack's slash commands (amplihack's CLI has no
 * --ultrathink/--analyze/--fix flags: the predecessor's use of them never worked).
 * A custom agent (--agent-command) gets PROMPT as its last argument, byte for byte.
 */
import type { AgentCommandName } from "./options.js";

export interface AgentInvocation {
  argv: string[];
  /** True when the default agent is used (it needs ANTHROPIC_API_KEY and the amplihack tooling). */
  isDefaultAgent: boolean;
}

export function agentInvocation(input: {
  command: AgentCommandName;
  prompt: string;
  maxTurns: number;
  agentCommand?: string[];
}): AgentInvocation {
  const { command, prompt, maxTurns, agentCommand } = input;
  if (agentCommand) return { argv: [...agentCommand, prompt], isDefaultAgent: false };
  const turns = String(maxTurns);
  if (command === "auto") {
    return {
      argv: ["amplihack", "claude", "--auto", "--max-turns", turns, "--", "-p", prompt],
      isDefaultAgent: true,
    };
  }
  return {
    argv: ["amplihack", "claude", "--", "--max-turns", turns, "-p", `/amplihack:${command} ${prompt}`],
    isDefaultAgent: true,
  };
}
