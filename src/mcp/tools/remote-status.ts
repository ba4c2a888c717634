/**
 * remote_status: one run or all of them, brought up to date with their machines. A finished
 * detached run is retrieved on the way (its summary then comes back here), so this one tool is
 * enough to follow a run to its end. With waitSeconds it waits (bounded well under Claude Code's
 * 120-s move to the background) until a run's status or phase changes, sending progress
 * notifications meanwhile, so the model need not sleep between polls.
 */
import { z } from "zod";
import { finishedAttempts } from "../../core/attempts/attempt-group.js";
import { formatAttempts } from "../../core/attempts/format-attempts.js";
import type { StatusEntry } from "../../core/runs/run-status.js";
import { MAX_WAIT_SECONDS, waitForChange } from "../../core/runs/wait-for-change.js";
import { attemptsStatusField } from "../../core/views/attempts.js";
import { type RunViewJson, runViewJson, runViewSchema } from "../../core/views/run-view.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { defineTool } from "../define-tool.js";
import { progressNotifier } from "../progress.js";

export const remoteStatus = defineTool({
  name: "remote_status",
  title: "Status of remote runs",
  description:
    "Shows one run (runId) or every run: pending (with its launch phase: queued, acquiring, uploading, starting), running (with its phase and elapsed time), succeeded, failed, timed-out, killed, blocked or error. " +
    `With waitSeconds (up to ${MAX_WAIT_SECONDS}) it waits until a run's status or phase changes and returns then (or when the time is up): use it instead of sleeping between calls. ` +
    "A finished detached run is retrieved on the way (unless autoRetrieve is false): its summary, with the branches and merge commands, is then in `summary`.",
  input: {
    runId: z
      .string()
      .min(1)
      .optional()
      .describe("One run id (a unique prefix or suffix is enough); all runs when absent"),
    autoRetrieve: z.boolean().default(true).describe("Bring finished detached runs home on the way"),
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .default(0)
      .describe(
        `Wait up to this many seconds (0-${MAX_WAIT_SECONDS}) for a run's status or phase to change; returns as soon as one does`,
      ),
  },
  output: {
    runs: z.array(runViewSchema.extend({ retrieveError: z.string().nullable() })),
    changed: z.boolean().describe("With waitSeconds: a run's status or phase changed while waiting"),
    waitedSeconds: z.number(),
    next: z.array(z.string()).describe("What to do next"),
    attempts: attemptsStatusField.optional(),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },

  async run(args, { context, signal, extra }) {
    const notifier = progressNotifier(extra, context.heartbeatMs);
    try {
      const waited = await waitForChange(context.deps(), args.runId, {
        waitSeconds: args.waitSeconds,
        autoRetrieve: args.autoRetrieve,
        signal,
        onWaiting: (entries, seconds) =>
          notifier.listener({
            stage: "execute",
            step: seconds,
            total: args.waitSeconds,
            message: `waiting (${seconds}s): ${entries.map(progressWord).join(", ")}`,
          }),
      });
      const entries = waited.entries;
      const runs = entries.map((e) => ({
        ...runViewJson(e, e.retrievedNow),
        retrieveError: e.retrieveError ?? null,
      }));
      // Best of N: an attempt's runId shows its whole group, and the table once all are home.
      const attempts = args.runId
        ? await finishedAttempts(
            context.deps(),
            entries.map((e) => e.record),
          )
        : null;
      const text =
        runs.length === 0
          ? "No runs yet. Start one with remote_execute."
          : [
              ...runs.map(statusLine),
              ...entries.filter((e) => e.retrievedNow).map((e) => `\n${formatSummary(e.retrievedNow!)}`),
              ...(attempts ? [`\n${formatAttempts(attempts)}`] : []),
            ].join("\n");
      return {
        structured: {
          runs,
          changed: waited.changed,
          waitedSeconds: waited.waitedSeconds,
          next: nextSteps(runs),
          ...(attempts ? { attempts } : {}),
        },
        text,
      };
    } finally {
      notifier.stop();
    }
  },
});

const progressWord = (e: StatusEntry) =>
  `${e.record.id} ${e.record.status}${e.record.phase ? ` (${e.record.phase})` : e.live?.phase ? ` (${e.live.phase})` : ""}`;

function nextSteps(runs: RunViewJson[]): string[] {
  if (runs.length === 0) return ["remote_execute starts a run"];
  const next: string[] = [];
  for (const r of runs) {
    if (r.status === "pending" || r.status === "running") {
      next.push(`remote_status {"runId":"${r.runId}","waitSeconds":${MAX_WAIT_SECONDS}} to keep waiting`);
    } else if (r.summary) {
      next.push(...r.summary.next);
    } else if (r.error) {
      next.push(r.error.remedy);
    } else if (r.status !== "blocked") {
      next.push(`retrieve_results {"runId":"${r.runId}"} brings its results home`);
    }
  }
  return next;
}

function statusLine(run: RunViewJson & { retrieveError: string | null }): string {
  const facts = [
    run.phase && (run.status === "running" || run.status === "pending") ? `phase ${run.phase}` : "",
    run.elapsedSeconds !== null ? `${run.elapsedSeconds}s` : "",
    run.exitCode !== null ? `exit ${run.exitCode}` : "",
    run.retrieved ? "retrieved" : "",
    run.unreachable ? `unreachable: ${run.unreachable}` : "",
    run.retrieveError ? `retrieve failed: ${run.retrieveError}` : "",
    run.error && run.status === "error" ? `${run.error.message} → ${run.error.remedy}` : "",
  ].filter(Boolean);
  return `${run.runId}  ${run.status}  on ${run.vm ?? run.target}  "${run.prompt}"${facts.length ? `  (${facts.join(", ")})` : ""}`;
}
