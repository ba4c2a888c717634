/**
 * The summary of a finished run, as it is stored in its record and shown by every adapter (the
 * CLI's `--json`, the MCP tools' `outputSchema`). One zod schema is both the type and the check:
 * a stored summary is read back validated, never cast. (Output schemas are loosened in
 * core/views/loose.ts: a field a later version adds must not fail a client's validation.)
 */
import { z } from "zod";

export const errorInfoSchema = z.object({ code: z.string(), message: z.string(), remedy: z.string() });
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export const branchResultSchema = z.object({
  branch: z.string(),
  status: z
    .enum(["new", "updated", "unchanged"])
    .describe("new: no such branch was shipped; updated: the run added commits; unchanged: nothing new"),
  commit: z.string(),
  runRef: z.string().describe("refs/remotes/remote-exec/<run-id>/<branch>: this run's result, always"),
  aliasRef: z
    .string()
    .nullable()
    .describe("refs/remotes/remote-exec/<branch>: the latest run's result of that branch"),
  newCommits: z.array(
    z.object({
      sha: z.string(),
      subject: z.string().describe("Sanitised: control characters and escape sequences removed"),
      uncommitted: z
        .boolean()
        .optional()
        .describe("This commit holds the work the agent left uncommitted, recorded for it"),
    }),
  ),
  filesChanged: z.array(z.string()),
  local: z
    .object({ exists: z.boolean(), ahead: z.number(), behind: z.number(), fastForward: z.boolean() })
    .nullable()
    .describe("Against your local branch of the same name"),
  rewritten: z
    .boolean()
    .optional()
    .describe("The branch was shipped and the run's tip does not descend from it (history rewritten)"),
  note: z.string().optional(),
});

export const tagResultSchema = z.object({
  tag: z.string(),
  ref: z.string().describe("refs/remotes/remote-exec/<run-id>/tags/<tag>"),
  object: z.string(),
});

export const releaseOutcomeSchema = z.object({
  deleted: z.boolean(),
  kept: z.boolean(),
  message: z.string(),
});

export const SUMMARY_STATUSES = [
  "succeeded",
  "failed",
  "timed-out",
  "killed",
  "setup-failed",
  "error",
] as const;

export const runSummarySchema = z.object({
  runId: z.string(),
  status: z.enum(SUMMARY_STATUSES),
  exitCode: z.number().int().nullable().describe("The agent's exit code"),
  target: z.string(),
  vm: z.string().nullable(),
  durationSeconds: z.number().describe("From the run's creation to its end"),
  branches: z.array(branchResultSchema),
  tags: z
    .array(tagResultSchema)
    .optional()
    .describe("Tags the agent made, kept under refs/remotes/remote-exec/<run-id>/tags/"),
  logsDir: z.string().nullable().describe("Where the run's logs landed locally"),
  agentTail: z.string().describe("The last lines of the agent's log, redacted"),
  release: releaseOutcomeSchema.nullable(),
  next: z
    .array(z.string())
    .describe("Shell commands, in order, that merge the results; each is safe to paste as printed"),
  snapshotCommit: z
    .string()
    .nullable()
    .optional()
    .describe("The snapshot commit of your uncommitted work the agent started from, if any"),
  warnings: z.array(z.string()),
  agentSpendUsd: z
    .number()
    .nullable()
    .optional()
    .describe("What the agent reported it spent on model calls (Claude Code's total_cost_usd), if it did"),
  agentBudgetUsd: z
    .number()
    .nullable()
    .optional()
    .describe("The spend cap the agent was given (--max-budget-usd), if any"),
  error: errorInfoSchema.optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;
export type SummaryStatus = RunSummary["status"];
