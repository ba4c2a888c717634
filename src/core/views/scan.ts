/**
 * The JSON view of a secret scan of what would ship: `scan --json` and the scan_secrets tool.
 * Findings carry the masked match only, never the value.
 */
import { z } from "zod";

export const findingViewSchema = z.looseObject({
  rule: z.string(),
  path: z.string(),
  line: z.number(),
  column: z.number(),
  masked: z.string().describe("The match, masked: the only form ever shown"),
  source: z.enum(["history", "file"]),
  commit: z.string().optional(),
  ref: z.string().optional(),
  fingerprint: z.string().describe("Add to .amplihack-remote-allow to accept this finding after review"),
  severity: z.enum(["block", "warn"]).optional().describe("warn: reported, does not block"),
});

export const scanViewShape = {
  blocked: z.boolean(),
  findings: z.array(findingViewSchema),
  whatShips: z.looseObject({
    repo: z.string(),
    revs: z.array(z.string()).describe("Every blob reachable from these is scanned"),
    files: z
      .array(z.string())
      .describe("Files scanned as they are on disk: uncommitted work, .claude/, the agent"),
    agentFile: z.string().nullable(),
  }),
  staleAllowlist: z.array(z.string()).describe("Allow-file entries that matched nothing in this scan"),
  accepted: z.looseObject({ file: z.string(), added: z.number() }).optional(),
  stats: z.looseObject({
    blobsScanned: z.number(),
    blobsFromCache: z.number(),
    filesScanned: z.number(),
    skippedBinary: z.number(),
    skippedLarge: z.number(),
    allowlisted: z.number(),
    durationMs: z.number(),
  }),
};
export const scanViewSchema = z.object(scanViewShape);
