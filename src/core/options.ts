/**
 * The options of a run, as one zod schema shared by the CLI, the MCP tools and the core workflow.
 * Ranges and defaults are those of the original spec; every message names the rule it enforces.
 */
import { z } from "zod";
import { TARGET_NAMES } from "../targets/types.js";
import { unforwardableReason } from "../util/credentials.js";

export const COMMANDS = ["auto", "ultrathink", "analyze", "fix"] as const;
export type AgentCommandName = (typeof COMMANDS)[number];

export const TARGETS = TARGET_NAMES;

/** Leaves room under MAX_ARG_STRLEN for the slash-command prefix of the non-auto commands. */
export const MAX_PROMPT_BYTES = 120 * 1024;
export type TargetName = (typeof TARGETS)[number];

/** Azure SKU names: letters, digits and underscores only (also keeps them shell-inert). */
const SKU = /^[A-Za-z][A-Za-z0-9_]{1,63}$/;
/** azlin's VM name rule (models.rs::validate_vm_name). */
const VM_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/;
/**
 * Claude model names and aliases as Claude Code's --model takes them: `sonnet`, `opus[1m]`,
 * `claude-sonnet-4-5`, Bedrock ids such as `us.anthropic.claude-sonnet-4-5-v1:0` and ARNs.
 */
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/@[\]-]{0,199}$/;
/** Azure region names: lowercase letters and digits. */
const REGION = /^[a-z][a-z0-9]{1,39}$/;

export const runOptionsShape = {
  command: z.enum(COMMANDS, { error: `COMMAND must be one of: ${COMMANDS.join(", ")}` }),
  prompt: z
    .string()
    .refine((s) => s.trim().length > 0, "PROMPT must not be blank")
    .refine(
      (s) => !s.includes("\0"),
      "PROMPT must not contain NUL bytes (they cannot be passed as an argument)",
    )
    // Linux caps one argv element at 128 KiB (MAX_ARG_STRLEN) and the prompt travels as one.
    .refine(
      (s) => Buffer.byteLength(s) <= MAX_PROMPT_BYTES,
      `PROMPT must be at most ${MAX_PROMPT_BYTES / 1024} KiB (one command-line argument on Linux holds 128 KiB); put long instructions in a file in the repository and point the prompt at it`,
    ),
  /** Turns of amplihack's auto mode (see agent-invocation.ts for what each COMMAND makes of it). */
  maxTurns: z
    .number({ error: "--max-turns must be a whole number" })
    .int("--max-turns must be a whole number")
    .min(1, "--max-turns must be between 1 and 50")
    .max(50, "--max-turns must be between 1 and 50")
    .default(10),
  vmSize: z
    .string()
    .regex(SKU, "--vm-size must be an Azure SKU such as Standard_D2s_v3 (letters, digits, underscores)")
    .default("Standard_D2s_v3"),
  vmName: z
    .string()
    .regex(
      VM_NAME,
      "--vm-name must be 1-64 letters, digits, '-' or '.', not starting or ending with '-' or '.'",
    )
    .optional(),
  keepVm: z.boolean().default(false),
  noReuse: z.boolean().default(false),
  /**
   * How many VMs this user's runs may hold at once; runs beyond it queue (src/core/queue/). Unset:
   * AMPLIHACK_REMOTE_MAX_VMS, else only Azure's quota limits.
   */
  maxVms: z
    .number({ error: "--max-vms must be a whole number" })
    .int("--max-vms must be a whole number")
    .min(1, "--max-vms must be between 1 and 1000")
    .max(1000, "--max-vms must be between 1 and 1000")
    .optional(),
  timeoutMinutes: z
    .number({ error: "--timeout must be a whole number of minutes" })
    .int("--timeout must be a whole number of minutes")
    .min(5, "--timeout must be between 5 and 480 minutes")
    .max(480, "--timeout must be between 5 and 480 minutes")
    .default(120),
  region: z
    .string()
    .regex(REGION, "--region must be an Azure region name such as eastus or westus2")
    .optional(),
  target: z.enum(TARGETS, { error: "--target must be local or azlin" }).default("azlin"),
  /**
   * Replaces amplihack with any agent: one executable (path or name), or a JSON array of strings
   * for an executable with arguments, e.g. '["node","agent.mjs","--fast"]'.
   */
  agentCommand: z.array(z.string().min(1)).min(1).optional(),
  /** The Claude model the default agent uses; unset, amplihack's own default (opus[1m]). */
  model: z
    .string()
    .regex(MODEL, "--model must be a Claude model name or alias such as sonnet, opus or claude-sonnet-4-5")
    .optional(),
  /**
   * The most the agent may spend on model calls, in US dollars: handed to Claude Code as its
   * --max-budget-usd (which stops the session once it is spent). Through amplihack's auto mode
   * every turn is a Claude Code session of its own, so the cap holds per turn there.
   */
  maxBudgetUsd: z
    .number({ error: "--max-budget-usd must be a number of US dollars" })
    .positive("--max-budget-usd must be more than 0")
    .max(10_000, "--max-budget-usd must be at most 10000")
    .optional(),
  /**
   * More variables of this environment to hand to the agent, by name (values travel with the
   * credentials, never on a command line); added to the documented provider settings.
   */
  forwardEnv: z
    .array(
      z.string().superRefine((name, ctx) => {
        const why = unforwardableReason(name);
        if (why) ctx.addIssue({ code: "custom", message: `--forward-env ${name} ${why}` });
      }),
    )
    .optional(),
  /**
   * Best of N: run the same prompt this many times in parallel (one package, machines shared by
   * capacity), each attempt home under its own ref, then a table to choose from (core/attempts/).
   */
  attempts: z
    .number({ error: "--attempts must be a whole number" })
    .int("--attempts must be a whole number")
    .min(2, "--attempts must be between 2 and 8")
    .max(8, "--attempts must be between 2 and 8")
    .optional(),
  /**
   * A shell command run by bash in the workspace on the machine after the agent (and after its
   * uncommitted work is recorded), e.g. the project's tests; its exit code is reported per run.
   */
  check: z
    .string()
    .refine((s) => s.trim().length > 0, "--check must not be blank")
    .refine((s) => !s.includes("\0"), "--check must not contain NUL bytes")
    .refine(
      (s) => Buffer.byteLength(s) <= 16 * 1024,
      "--check must be at most 16 KiB; put a longer check in a script in the repository",
    )
    .optional(),
  /** The check's own time limit; never more than the run's --timeout. */
  checkTimeoutMinutes: z
    .number({ error: "--check-timeout must be a whole number of minutes" })
    .int("--check-timeout must be a whole number of minutes")
    .min(1, "--check-timeout must be between 1 and 480 minutes")
    .max(480, "--check-timeout must be between 1 and 480 minutes")
    .default(15),
  /**
   * Continue a run: start from that run's result branch (refs/remotes/remote-exec/<run>/...) instead
   * of the current branch, on its machine when it was kept (core/continue/).
   */
  continueFrom: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, "--continue-from must be a run id (letters, digits, '-', '_')")
    .optional(),
  /** Maximum size of what ships, in megabytes. */
  maxSizeMb: z.number().positive("--max-size must be a positive number of MB").default(500),
};

export const runOptionsSchema = z.object(runOptionsShape);
export type RunOptionsInput = z.input<typeof runOptionsSchema>;
export type RunOptions = z.output<typeof runOptionsSchema>;

/**
 * Parses the textual --agent-command form: a JSON array of strings, or one executable.
 * A plain string is never split on spaces: a path with spaces stays one argument.
 */
export function parseAgentCommand(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(`--agent-command looks like a JSON array but does not parse: ${trimmed}`);
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((p) => typeof p === "string" && p.length > 0)
    ) {
      throw new Error("--agent-command as JSON must be a non-empty array of non-empty strings");
    }
    return parsed as string[];
  }
  if (!trimmed) throw new Error("--agent-command must not be blank");
  return [text];
}

/** Formats zod issues as one line per broken rule. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join("; ");
}
