/**
 * remote_kill: stops one run's agent (its process group on the machine, nothing else); the runner
 * still packs what the agent committed, so retrieve_results brings the partial work home.
 */
import { z } from "zod";
import { killRun } from "../../core/runs/kill-run.js";
import { runViewJson, runViewSchema } from "../../core/views/run-view.js";
import { defineTool } from "../define-tool.js";

export const remoteKill = defineTool({
  name: "remote_kill",
  title: "Stop a remote run",
  description:
    "Stops a running run's agent (that run only: other runs on the same VM go on) and marks it killed. " +
    "Its partial work can then be brought home with retrieve_results. Killing a finished run changes nothing.",
  input: {
    runId: z.string().min(1).describe("The run id (a unique prefix or suffix is enough)"),
  },
  output: { ...runViewSchema.shape, next: z.array(z.string()).describe("What to do next") },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },

  async run(args, { context, signal }) {
    const view = await killRun(context.deps(), args.runId, signal);
    const json = runViewJson(view);
    const next = [`retrieve_results {"runId":"${json.runId}"} brings its partial work home`];
    return { structured: { ...json, next }, text: `${json.runId}: ${json.status}. ${next[0]}.` };
  },
});
