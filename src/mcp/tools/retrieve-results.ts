/**
 * retrieve_results: a finished run's logs and branches into remote-exec/, then its machine is
 * released. Idempotent: a run already home returns the summary it got the first time.
 */
import { z } from "zod";
import { retrieveDetached } from "../../core/runs/retrieve-detached.js";
import { runSummarySchema } from "../../core/views/run-summary.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { defineTool } from "../define-tool.js";

export const retrieveResults = defineTool({
  name: "retrieve_results",
  title: "Bring a run's results home",
  description:
    "Fetches a finished run's new commits into refs/remotes/remote-exec/<run-id>/<branch> (and the alias remote-exec/<branch>), " +
    "copies its logs to .claude/runtime/logs/remote/<run-id>/, and releases its VM unless keepVm. Never touches your working tree, " +
    "index or local branches. Safe to call again: it returns the same summary. Returns the merge commands in `next`.",
  input: {
    runId: z.string().min(1).describe("The run id (a unique prefix or suffix is enough)"),
    keepVm: z.boolean().default(false).describe("Do not delete the VM afterwards"),
  },
  output: runSummarySchema.shape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },

  async run(args, { context, signal }) {
    const summary = await retrieveDetached(context.deps(), args.runId, { keepVm: args.keepVm, signal });
    return { structured: summary, text: formatSummary(summary), isError: summary.status === "error" };
  },
});
