/** The JSON view of a run's agent log tail: `output --json` and the remote_output tool. */
import { z } from "zod";

export const runOutputViewShape = {
  runId: z.string(),
  source: z.enum(["machine", "retrieved-logs"]),
  bytes: z.number().describe("Size of the whole log"),
  text: z.string(),
};
export const runOutputViewSchema = z.object(runOutputViewShape);
