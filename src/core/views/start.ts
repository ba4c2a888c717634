/** The JSON view of `start --json`: one outcome per prompt, started or refused with its error. */
import { z } from "zod";

export const startViewSchema = z.object({
  runs: z.array(
    z.object({
      prompt: z.string(),
      runId: z.string(),
      ok: z.boolean(),
      vm: z
        .string()
        .nullable()
        .describe("The machine, once known; null while a worker is still acquiring it"),
      state: z
        .enum(["launching", "running", "failed"])
        .describe(
          "launching: handed to a launch worker (follow with status --wait); running: the agent runs",
        ),
      workerLog: z.string().optional().describe("The launch worker's log, when there is one"),
      error: z.looseObject({ code: z.string(), message: z.string(), remedy: z.string() }).optional(),
    }),
  ),
});
