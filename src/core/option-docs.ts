/**
 * How each run option (core/options.ts) is named and explained to a person at a terminal and to a
 * model reading the tool list. The CLI's flags and the MCP tools' argument schemas are generated
 * from the zod shape, so a field added there reaches both with no other wiring: it gets the flag
 * `--<kebab-name>` and its zod `.describe()` text unless an entry below says otherwise.
 */
import type { z } from "zod";
import { parseAgentCommand, runOptionsShape } from "./options.js";

export type RunOptionKey = keyof typeof runOptionsShape;

export interface OptionDoc {
  /** The CLI flag when it is not `--<kebab-name>`. */
  flag?: string;
  /** The placeholder of its value in --help. */
  value?: string;
  /** One line for --help. */
  help?: string;
  /** The longer text a model reads (defaults to `help`). */
  description?: string;
  /** Turns the flag's text into the value the schema checks (default: by the schema's type). */
  fromText?: (text: string) => unknown;
}

export const OPTION_DOCS: Partial<Record<RunOptionKey, OptionDoc>> = {
  command: {
    description:
      "What the agent does: auto (autonomous), ultrathink (deep multi-step work), analyze (read and report), fix (fix a bug or failing check)",
  },
  prompt: { description: "The task for the agent, verbatim" },
  maxTurns: { value: "n", help: "agent turns, 1-50" },
  vmSize: {
    value: "sku",
    help: "Azure VM size (SKU)",
    description: "Azure VM size (SKU) to provision, e.g. Standard_D4s_v3",
  },
  maxVms: {
    value: "n",
    help: "hold at most n VMs at once; more runs queue (default: $AMPLIHACK_REMOTE_MAX_VMS, else the quota)",
    description:
      "At most this many VMs held at once by your runs; runs beyond it (or beyond Azure's quota) are queued and start as VMs free, oldest first",
  },
  vmName: {
    value: "name",
    help: "use this existing VM (never deleted)",
    description: "Run on this existing VM instead of finding or provisioning one; it is never deleted",
  },
  keepVm: { help: "keep the VM after the run" },
  noReuse: {
    help: "always provision a fresh VM",
    description: "Always provision a fresh VM instead of reusing an idle one of ours",
  },
  timeoutMinutes: {
    flag: "--timeout",
    value: "minutes",
    help: "agent timeout in minutes, 5-480 (enforced on the VM)",
  },
  region: { value: "region", help: "Azure region, e.g. eastus" },
  target: {
    value: "target",
    help: "where to run",
    description:
      "Where to run: azlin (an Azure VM) or local (a sandbox directory on this machine, to try things out)",
  },
  agentCommand: {
    value: "cmd",
    help: "run this agent instead of amplihack: an executable, or a JSON array of argv",
    description:
      'Run this agent instead of amplihack: its argv, e.g. ["./my-agent.sh"] or ["node","agent.mjs"]; the prompt is appended as the last argument',
    fromText: parseAgentCommand,
  },
  model: {
    value: "model",
    help: "Claude model for the default agent, e.g. sonnet (default: amplihack's, opus[1m])",
    description:
      "Claude model for the default agent, e.g. sonnet or claude-sonnet-4-5; default: amplihack's (opus[1m]), the largest cost of a run",
  },
  forwardEnv: {
    value: "name",
    help: "also hand this variable of your environment to the agent (repeatable; a name, never a value)",
    description:
      'Names of more environment variables to hand to the agent, e.g. ["AWS_PROFILE"]; values travel with the credentials, never in arguments',
  },
  maxBudgetUsd: {
    value: "usd",
    help: "cap the agent's spend on model calls, in US dollars (Claude Code's --max-budget-usd)",
    description:
      "The most the agent may spend on model calls, in US dollars; forwarded to Claude Code as --max-budget-usd (per turn in auto mode); the summary shows what was spent when the agent reports it",
  },
  attempts: {
    value: "n",
    help: "best of N: run the same prompt N times in parallel (2-8) and compare the results",
    description:
      "Best of N: run the same prompt this many times in parallel (2-8; one package, machines shared by capacity); every attempt comes home under its own ref and a table compares them (status, commits, files, lines, --check exit code)",
  },
  check: {
    value: "cmd",
    help: "run CMD (bash, in the workspace on the machine) after the agent and report its exit code, e.g. 'npm test'",
    description:
      'A shell command run by bash in the workspace on the machine after the agent and after its uncommitted work is recorded, e.g. "npm test"; its exit code is reported per run (output in the run\'s logs as check.log)',
  },
  checkTimeoutMinutes: {
    flag: "--check-timeout",
    value: "minutes",
    help: "time limit of --check in minutes, 1-480 (never more than --timeout)",
  },
  continueFrom: {
    value: "run",
    help: "continue RUN: start from its result branch, on its machine when it was kept (same as `continue RUN`)",
    description:
      "Continue an earlier run: start from its result branch (refs/remotes/remote-exec/<run>/...) instead of your branch, on its machine when that was kept (the agent's Claude Code session is resumed there), else on a fresh one; the summary shows the chain",
  },
  maxSizeMb: { flag: "--max-size", value: "mb", help: "refuse to upload more than this many MB" },
};

/** Given as arguments (COMMAND PROMPT), not as flags. */
export const POSITIONAL: readonly RunOptionKey[] = ["command", "prompt"];

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The flag of a run option on the command line. */
export const flagOf = (key: RunOptionKey): string => OPTION_DOCS[key]?.flag ?? `--${kebab(key)}`;

/** The text a person or a model reads about a run option. */
export function describeOption(key: RunOptionKey): { help: string; description: string } {
  const doc = OPTION_DOCS[key];
  const fromSchema = (runOptionsShape[key] as z.ZodType).description;
  const help = doc?.help ?? fromSchema ?? key;
  const text = doc?.description ?? fromSchema ?? help;
  return { help, description: POSITIONAL.includes(key) ? text : `${text} (${flagOf(key)})` };
}

/** The run options as tool arguments: the very schemas of core/options.ts, each described. */
export function runOptionsInputShape() {
  const keys = Object.keys(runOptionsShape) as RunOptionKey[];
  return Object.fromEntries(
    keys.map((k) => [k, (runOptionsShape[k] as z.ZodType).describe(describeOption(k).description)]),
  ) as { [K in RunOptionKey]: (typeof runOptionsShape)[K] };
}
