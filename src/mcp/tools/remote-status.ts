/**
 * remote_status: one run or all of them, brought up to date with their machines. A finished
 * detached run is retrieved on the way (its summary then comes back here), so polling this one tool
 * is enough to follow a run to its end.
 */
import { z } from "zod";
import { runStatus } from "../../core/runs/run-status.js";
import { type RunViewJson, runViewJson, runViewSchema } from "../../core/views/run-view.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { defineTool } from "../define-tool.js";

export const remoteStatus = defineTool({
  name: "remote_status",
  title: "Status of remote runs",
  description:
    "Shows one run (runId) or every run: pending, running (with its phase and elapsed time), succeeded, failed, timed-out, killed, blocked or error. " +
    "A finished detached run is retrieved on the way (unless autoRetrieve is false): its summary, with the branches and merge commands, is then in `summary`.",
  input: {
    runId: z
      .string()
      .min(1)
      .optional()
      .describe("One run id (a unique prefix or suffix is enough); all runs when absent"),
    autoRetrieve: z.boolean().default(true).describe("Bring finished detached runs home on the way"),
  },
  output: {
    runs: z.array(runViewSchema.extend({ retrieveError: z.string().nullable() })),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },

  async run(args, { context, signal }) {
    const entries = await runStatus(context.deps(), args.runId, { autoRetrieve: args.autoRetrieve, signal });
    const runs = entries.map((e) => ({
      ...runViewJson(e, e.retrievedNow),
      retrieveError: e.retrieveError ?? null,
    }));
    const text =
      runs.length === 0
        ? "No runs yet. Start one with remote_execute."
        : [
            ...runs.map(statusLine),
            ...entries.filter((e) => e.retrievedNow).map((e) => `\n${formatSummary(e.retrievedNow!)}`),
          ].join("\n");
    return { structured: { runs }, text };
  },
});

function statusLine(run: RunViewJson & { retrieveError: string | null }): string {
  const facts = [
    run.phase && run.status === "running" ? `phase ${run.phase}` : "",
    run.elapsedSeconds !== null ? `${run.elapsedSeconds}s` : "",
    run.exitCode !== null ? `exit ${run.exitCode}` : "",
    run.retrieved ? "retrieved" : "",
    run.unreachable ? `unreachable: ${run.unreachable}` : "",
    run.retrieveError ? `retrieve failed: ${run.retrieveError}` : "",
    run.error && run.status === "error" ? `${run.error.message} → ${run.error.remedy}` : "",
  ].filter(Boolean);
  return `${run.runId}  ${run.status}  on ${run.vm ?? run.target}  "${run.prompt}"${facts.length ? `  (${facts.join(", ")})` : ""}`;
}
