/**
 * The one JSON view of a run, shared by `status --json`, `kill --json` and the MCP tools: the
 * durable record brought up to date with what its machine says (core/runs/refresh-run.ts).
 */
import { z } from "zod";
import { RUN_STATUSES } from "../../state/run-record.js";
import { errorInfoSchema, type RunSummary, runSummarySchema } from "../../state/run-summary.js";
import { queueView, queueViewSchema } from "../queue/queue-view.js";
import type { RunView } from "../runs/refresh-run.js";

export const runViewSchema = z.object({
  runId: z.string(),
  status: z.enum(RUN_STATUSES),
  phase: z
    .string()
    .nullable()
    .describe(
      "What the run is doing: while pending, its launch (queued, acquiring, uploading, starting); once running, the machine's (setup, running, collecting, done)",
    ),
  exitCode: z.number().nullable(),
  target: z.string(),
  vm: z.string().nullable(),
  elapsedSeconds: z.number().nullable(),
  heartbeatAgeSeconds: z.number().nullable(),
  retrieved: z.boolean().describe("Its results are home (retrieve_results returns them again)"),
  command: z.string(),
  prompt: z.string().describe("First line of the prompt"),
  repo: z.string(),
  createdAt: z.string(),
  unreachable: z.string().nullable().describe("Why its machine could not be asked, when it could not"),
  error: errorInfoSchema.nullable(),
  summary: runSummarySchema.nullable().describe("The retrieved results, once they are home"),
  queue: queueViewSchema.nullable().describe("While queued for a VM: its place in line and why it waits"),
});
export type RunViewJson = z.infer<typeof runViewSchema>;

/** `retrievedNow`: a summary brought home by this very call, before the record shows it. */
export function runViewJson(v: RunView, retrievedNow?: RunSummary | null): RunViewJson {
  const r = v.record;
  return {
    runId: r.id,
    status: r.status,
    phase: v.live?.phase ?? r.phase ?? null,
    exitCode: r.exitCode,
    target: r.target,
    vm: r.vm?.name ?? null,
    elapsedSeconds: v.elapsedSeconds,
    heartbeatAgeSeconds: v.live?.heartbeatAge ?? null,
    retrieved: r.summary !== null || Boolean(retrievedNow),
    command: r.command,
    prompt: r.promptPreview,
    repo: r.repo,
    createdAt: r.createdAt,
    unreachable: v.unreachable ?? null,
    error: r.error,
    summary: retrievedNow ?? r.summary,
    queue: queueView(r),
  };
}

/** `status --json` and the remote_status tool: every run, with what retrieving it said. */
export const runStatusViewShape = {
  runs: z.array(runViewSchema.extend({ retrieveError: z.string().nullable() })),
};
export const runStatusViewSchema = z.object(runStatusViewShape);
