/**
 * The durable record of a run: enough for any later process (another terminal, the MCP server
 * after a restart) to find the run, follow it, retrieve it and clean up after it.
 */
import { z } from "zod";
import { FINISHED, RUN_STATUSES, type RunStatus } from "./run-statuses.js";
import { errorInfoSchema, runSummarySchema } from "./run-summary.js";

export { FINISHED, RUN_STATUSES, type RunStatus };

/** Why a queued run waits, and its place in line (1 is next). */
export const queueInfoSchema = z.object({
  since: z.string(),
  position: z.number().int(),
  waitingFor: z.enum(["quota", "max-vms", "turn"]),
  reason: z.string(),
  /** The last refused try: when, and how many VMs our runs held then (a retry waits for fewer, or for time). */
  lastTry: z.object({ at: z.string(), vmsInUse: z.number().int() }).nullable().default(null),
});
export type QueueInfo = z.infer<typeof queueInfoSchema>;

/**
 * Where a detached start stands before the agent runs (the machine's own phases take over once it
 * does): handed to the launch worker, getting a VM, sending the package, starting the agent.
 */
export const LAUNCH_PHASES = ["queued", "acquiring", "uploading", "starting"] as const;
export type LaunchPhase = (typeof LAUNCH_PHASES)[number];

export const runRecordSchema = z.object({
  id: z.string(),
  repo: z.string(),
  target: z.enum(["local", "azlin"]),
  command: z.string(),
  /** First line of the prompt, cut short: enough to recognise the run, never the whole text. */
  promptPreview: z.string(),
  status: z.enum(RUN_STATUSES),
  /** Set while the run is pending: what its launch is doing (null once the agent runs). */
  phase: z.enum(LAUNCH_PHASES).nullable().default(null),
  vm: z.object({ name: z.string(), created: z.boolean(), deleted: z.boolean().default(false) }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable().default(null),
  endedAt: z.string().nullable().default(null),
  exitCode: z.number().int().nullable().default(null),
  shippedHeads: z.array(z.object({ ref: z.string(), commit: z.string() })).default([]),
  keepVm: z.boolean().default(false),
  /** The spend cap handed to the agent (Claude Code's --max-budget-usd), or null when none was. */
  maxBudgetUsd: z.number().nullable().default(null),
  detached: z.boolean().default(false),
  error: errorInfoSchema.nullable().default(null),
  /** Local process that drives the run synchronously, if any (to tell a dead driver from a live one). */
  driverPid: z.number().int().nullable().default(null),
  /** Detached runs: retrieve and release as soon as a status check sees the run finished. */
  autoRetrieve: z.boolean().default(true),
  /**
   * The summary of the results once they are home (branches, logs, release): set exactly when the
   * run is finished and retrieved, so `retrieve` is idempotent. A summary stored by an older
   * version that no longer parses reads as absent: the results are in remote-exec/ either way.
   */
  summary: runSummarySchema.nullable().default(null).catch(null),
  /**
   * When a finished run was last told to a person or a session (the plugin's session hook,
   * `status --watch`): each finished run is announced once, and only then.
   */
  announcedAt: z.string().nullable().default(null),
  /** Set while the run is queued for a VM (status `queued`). */
  queue: queueInfoSchema.nullable().default(null),
  /** Admitted to get a VM and holding none yet: counts toward --max-vms until it holds one. */
  acquiring: z.boolean().default(false),
  /**
   * The launch job file (src/core/launch/job.ts) that can launch this run while it is pending or
   * queued: a process that finds the run's launch worker dead starts a new worker on it.
   */
  launchJob: z.string().nullable().default(null),
  /**
   * Set just before the machine is released beside the import of the commits: where the results
   * archive is kept locally, and how the run ended on the machine. A process that dies during that
   * import leaves the run here, not on the (gone) machine; `status` and `retrieve` finish it from it.
   */
  resultsKept: z
    .object({ path: z.string(), outcome: z.string(), exitCode: z.number().int().nullable() })
    .nullable()
    .default(null),
  /** The process bringing this run's results home right now, so no other process does it too. */
  retrievingPid: z.number().int().nullable().default(null),
  /** The run this one continues (`continue RUN`): it started from that run's result branch. */
  parentRunId: z.string().nullable().default(null),
  /** Best of N: the runs started together as attempts of one prompt share this id (the first run's). */
  attemptGroup: z.string().nullable().default(null),
  /** Best of N: which attempt this run is, 1..N. */
  attempt: z.number().int().nullable().default(null),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A fresh record: what is known when a run is created, everything else at its default. */
export function newRunRecord(
  known: Pick<RunRecord, "id" | "repo" | "target" | "command" | "promptPreview"> & Partial<RunRecord>,
): RunRecord {
  const now = new Date().toISOString();
  return runRecordSchema.parse({ status: "pending", vm: null, createdAt: now, updatedAt: now, ...known });
}
