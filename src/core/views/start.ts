/** The JSON view of `start --json`: one outcome per prompt, started or refused with its error. */
import { z } from "zod";

export const startViewSchema = z.object({
  runs: z.array(
    z.object({
      prompt: z.string(),
      runId: z.string(),
      ok: z.boolean(),
      vm: z.string().nullable(),
      error: z.looseObject({ code: z.string(), message: z.string(), remedy: z.string() }).optional(),
    }),
  ),
});
