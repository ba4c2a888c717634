/**
 * remote_output: the tail of a run's agent log, redacted of credential values. From the machine
 * while the run lives, from the retrieved logs once it is home.
 */
import { z } from "zod";
import { runOutput } from "../../core/runs/run-output.js";
import { runOutputViewShape } from "../../core/views/run-output.js";
import { defineTool } from "../define-tool.js";

export const remoteOutput = defineTool({
  name: "remote_output",
  title: "Agent log of a remote run",
  description:
    "Returns the last lines of a run's agent log (credentials redacted), from its machine while it runs or from the retrieved logs afterwards.",
  input: {
    runId: z.string().min(1).describe("The run id (a unique prefix or suffix is enough)"),
    lines: z.number().int().min(1).max(10_000).default(50).describe("How many lines from the end (1-10000)"),
  },
  output: runOutputViewShape,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },

  async run(args, { context, signal }) {
    const out = await runOutput(context.deps(), args.runId, { lines: args.lines, signal });
    const header = `Run ${out.runId}, last ${args.lines} line(s) of the agent log (${out.source === "machine" ? "live, from its machine" : "from the retrieved logs"}):`;
    return { structured: out, text: out.text ? `${header}\n${out.text}` : `${header}\n(empty so far)` };
  },
});
