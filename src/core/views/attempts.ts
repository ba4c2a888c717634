/** The JSON view of best of N (--attempts): one row per attempt, to choose from. */
import { z } from "zod";
import { runSummarySchema } from "../../state/run-summary.js";

export const attemptRowSchema = z.object({
  attempt: z.number().int().describe("1..N"),
  runId: z.string(),
  status: z.string().describe("The run's status (succeeded, failed, timed-out, killed, error, ...)"),
  commits: z.number().int().describe("New commits the attempt brought home"),
  filesChanged: z.number().int(),
  linesAdded: z.number().int().nullable(),
  linesRemoved: z.number().int().nullable(),
  checkExitCode: z
    .number()
    .int()
    .nullable()
    .describe(
      "Exit code of --check run on the attempt's result on the machine (124: it timed out); null when no check ran",
    ),
  refs: z.array(z.string()).describe("Where the attempt's branches are: remote-exec/<run-id>/<branch>"),
  error: z.string().nullable(),
});
export type AttemptRow = z.infer<typeof attemptRowSchema>;

export const attemptsViewSchema = z.object({
  group: z.string().describe("The attempts' group id (the first attempt's run id)"),
  done: z.boolean().describe("Every attempt has ended and is home"),
  rows: z.array(attemptRowSchema),
});
export type AttemptsView = z.infer<typeof attemptsViewSchema>;

/** `status --json` of an attempt: the runs, and the table once every attempt is home. */
export const attemptsStatusField = attemptsViewSchema
  .nullable()
  .describe("Best of N (--attempts): the table to choose from, once every attempt is home; null otherwise");

/** `exec --attempts N --json`: the table and every attempt's summary. */
export const attemptsOutcomeViewSchema = z.object({
  attempts: attemptsViewSchema,
  summaries: z.array(runSummarySchema),
});
