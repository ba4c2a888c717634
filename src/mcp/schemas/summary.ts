/**
 * Output schema of a run's summary (core/workflow/summary.ts RunSummary), as the tools return it.
 * Objects that come from git or the targets are loose: a field added there must not turn a
 * finished run into an output validation error.
 */
import { z } from "zod";

const errorInfo = z.looseObject({ code: z.string(), message: z.string(), remedy: z.string() });

export const branchResultSchema = z.looseObject({
  branch: z.string(),
  status: z.enum(["new", "updated", "unchanged"]),
  commit: z.string(),
  runRef: z.string().describe("refs/remotes/remote-exec/<run-id>/<branch>"),
  aliasRef: z.string().nullable().describe("refs/remotes/remote-exec/<branch>, what `git merge` names"),
  newCommits: z.array(z.looseObject({ sha: z.string(), subject: z.string() })),
  filesChanged: z.array(z.string()),
  local: z
    .looseObject({ exists: z.boolean(), ahead: z.number(), behind: z.number(), fastForward: z.boolean() })
    .nullable()
    .describe("Against your local branch of the same name"),
  note: z.string().optional(),
});

export const runSummarySchema = z.looseObject({
  runId: z.string(),
  status: z.enum(["succeeded", "failed", "timed-out", "killed", "setup-failed", "error"]),
  exitCode: z.number().nullable().describe("The agent's exit code"),
  target: z.string(),
  vm: z.string().nullable(),
  durationSeconds: z.number(),
  branches: z.array(branchResultSchema),
  logsDir: z.string().nullable().describe("Where the run's logs landed locally"),
  agentTail: z.string().describe("The last lines of the agent's log, redacted"),
  release: z.looseObject({ deleted: z.boolean(), kept: z.boolean(), message: z.string() }).nullable(),
  next: z.array(z.string()).describe("Commands that merge the results, one per branch with new commits"),
  warnings: z.array(z.string()),
  error: errorInfo.optional(),
});

export const errorInfoSchema = errorInfo;
