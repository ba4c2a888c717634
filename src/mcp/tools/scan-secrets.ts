/**
 * scan_secrets: what a run would upload from this repository and whether a secret blocks it,
 * with nothing provisioned and nothing uploaded.
 */
import { z } from "zod";
import { runOptionsShape } from "../../core/options.js";
import { scanWhatShips } from "../../core/scan-what-ships.js";
import { defineTool } from "../define-tool.js";
import { progressNotifier } from "../progress.js";
import { repoPathInput } from "../schemas/run-options.js";

const findingSchema = z.looseObject({
  rule: z.string(),
  path: z.string(),
  line: z.number(),
  column: z.number(),
  masked: z.string().describe("The match, masked: the only form ever shown"),
  source: z.enum(["history", "file"]),
  commit: z.string().optional(),
  ref: z.string().optional(),
  fingerprint: z.string().describe("Add to .amplihack-remote-allow to accept this finding after review"),
});

export const scanSecrets = defineTool({
  name: "scan_secrets",
  title: "Scan what would ship for secrets",
  description:
    "Shows what a run would upload from the repository (every branch and tag, uncommitted work as a snapshot, .claude/ minus " +
    "excluded paths, a custom agent file) and scans all of it, history included, for secrets. Provisions nothing, uploads nothing. " +
    "blocked: true means remote_execute would refuse to upload; each finding comes with what to do.",
  input: {
    repoPath: repoPathInput,
    agentCommand: runOptionsShape.agentCommand.describe(
      "The custom agent a run would use, if any: a local file ships too",
    ),
  },
  output: {
    blocked: z.boolean(),
    findings: z.array(findingSchema),
    whatShips: z.looseObject({
      repo: z.string(),
      branch: z.string().nullable(),
      headCommit: z.string(),
      revs: z.array(z.string()),
      uncommittedPaths: z.array(z.string()),
      claudeFiles: z.array(z.string()),
      excludedPaths: z.array(z.string()),
      agentFile: z.string().nullable(),
    }),
    stats: z.looseObject({
      blobsScanned: z.number(),
      blobsFromCache: z.number(),
      filesScanned: z.number(),
      skippedBinary: z.number(),
      skippedLarge: z.number(),
      allowlisted: z.number(),
      durationMs: z.number(),
    }),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },

  async run(args, { context, signal, extra }) {
    const notifier = progressNotifier(extra, context.heartbeatMs);
    const deps = context.deps({ repo: args.repoPath });
    try {
      const scan = await scanWhatShips({
        cwd: deps.cwd,
        runner: deps.runner,
        agentCommand: args.agentCommand,
        cacheDir: deps.scanCacheDir,
        signal,
        onProgress: (message) => notifier.listener({ stage: "scan", step: 3, total: 3, message }),
      });
      const w = scan.whatShips;
      const ships = [
        `Would ship from ${w.repo} (${w.branch ?? "detached HEAD"} at ${w.headCommit.slice(0, 8)}): ${w.revs.join(" ")}`,
        w.uncommittedPaths.length
          ? `  uncommitted work: ${w.uncommittedPaths.length} path(s)`
          : "  no uncommitted work",
        `  .claude/: ${w.claudeFiles.length} file(s)${w.excludedPaths.length ? `; left out: ${w.excludedPaths.join(", ")}` : ""}`,
        ...(w.agentFile ? [`  agent: ${w.agentFile}`] : []),
      ];
      const verdict = scan.blocked
        ? `Blocked: ${scan.report.findings.length} possible secret(s); remote_execute would upload nothing.`
        : "Nothing blocks the upload.";
      return {
        structured: {
          blocked: scan.blocked,
          findings: scan.report.findings,
          whatShips: w,
          stats: scan.report.stats,
        },
        text: [...ships, "", verdict, scan.findingsText].join("\n"),
      };
    } finally {
      notifier.stop();
    }
  },
});
