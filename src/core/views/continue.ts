/** The JSON view of `continue --json`: the continued run's summary and the chain it belongs to. */
import { z } from "zod";
import { runSummarySchema } from "../../state/run-summary.js";

export const chainSchema = z
  .array(z.string())
  .describe("The runs this one continues, oldest first, ending with this run (run A → run B)");

export const continueViewSchema = z.object({ chain: chainSchema, summary: runSummarySchema });
