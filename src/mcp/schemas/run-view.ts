/**
 * Output schema of one run as status, kill and the start of a detached run show it: the durable
 * record brought up to date with what its machine says (core/runs/refresh-run.ts RunView).
 */
import { z } from "zod";
import type { RunView } from "../../core/runs/refresh-run.js";
import { runViewJson as coreRunViewJson } from "../../core/runs/run-view-json.js";
import { RUN_STATUSES } from "../../state/run-record.js";
import { errorInfoSchema, runSummarySchema } from "./summary.js";

export const runViewSchema = z.looseObject({
  runId: z.string(),
  status: z.enum(RUN_STATUSES),
  phase: z
    .string()
    .nullable()
    .describe("What a running run is doing: starting, setup, running, collecting, done"),
  exitCode: z.number().nullable(),
  target: z.string(),
  vm: z.string().nullable(),
  elapsedSeconds: z.number().nullable(),
  heartbeatAgeSeconds: z.number().nullable(),
  retrieved: z.boolean().describe("Its results are home (retrieve_results returns them again)"),
  resultRefs: z.array(z.string()),
  command: z.string(),
  prompt: z.string().describe("First line of the prompt"),
  repo: z.string(),
  createdAt: z.string(),
  unreachable: z.string().nullable().describe("Why its machine could not be asked, when it could not"),
  error: errorInfoSchema.nullable(),
  summary: runSummarySchema.nullable().describe("The retrieved results, once they are home"),
});
export type RunViewJson = z.input<typeof runViewSchema>;

export function runViewJson(view: RunView, retrievedNow?: Record<string, unknown> | null): RunViewJson {
  return {
    ...coreRunViewJson(view),
    summary: (retrievedNow ?? view.record.summary ?? null) as RunViewJson["summary"],
  };
}
