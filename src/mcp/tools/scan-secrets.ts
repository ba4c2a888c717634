/**
 * scan_secrets: what a run would upload from this repository and whether a secret blocks it,
 * with nothing provisioned and nothing uploaded.
 */
import { z } from "zod";
import { acceptFindings } from "../../core/accept-findings.js";
import { runOptionsShape } from "../../core/options.js";
import { formatFindings, scanWhatShips } from "../../core/scan-what-ships.js";
import { scanViewShape } from "../../core/views/scan.js";
import { defineTool } from "../define-tool.js";
import { progressNotifier } from "../progress.js";
import { repoPathInput } from "../schemas/run-options.js";

export const scanSecrets = defineTool({
  name: "scan_secrets",
  title: "Scan what would ship for secrets",
  description:
    "Scans what a run would upload from the repository (every blob of every branch and tag and HEAD, the uncommitted work, " +
    ".claude/ minus excluded paths, a custom agent file) for secrets, history included. Provisions nothing, uploads nothing, " +
    "changes nothing (unless accept: true, which writes .amplihack-remote-allow). blocked: true means remote_execute would refuse to upload; the text says what to do about each finding.",
  input: {
    repoPath: repoPathInput,
    agentCommand: runOptionsShape.agentCommand.describe(
      "The custom agent a run would use, if any: a local file ships too",
    ),
    accept: z
      .boolean()
      .optional()
      .describe(
        "Only after the user reviewed the findings: record every finding in .amplihack-remote-allow (path, rule, fingerprint) so only new ones block",
      ),
  },
  output: scanViewShape,

  // Not read-only: accept: true writes the allow file (adding to it, never removing).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },

  async run(args, { context, signal, extra }) {
    const notifier = progressNotifier(extra, context.heartbeatMs);
    const deps = context.deps({ repo: args.repoPath });
    try {
      const scan = await scanWhatShips({
        path: deps.cwd,
        agentCommand: args.agentCommand,
        cacheDir: deps.scanCacheDir,
        runner: deps.runner,
        signal,
        onProgress: (message) => notifier.listener({ stage: "scan", step: 0, total: 1, message }),
      });
      const w = scan.whatShips;
      const accepted = args.accept ? await acceptFindings(w.repo, scan.report.findings) : undefined;
      const verdict = accepted
        ? `Accepted ${accepted.added} new finding(s) into ${accepted.file}; commit it. Only new findings block from now on.`
        : scan.blocked
          ? `Blocked: ${scan.report.findings.length} possible secret(s) in what would ship from ${w.repo}; remote_execute would upload nothing.`
          : `Nothing blocks an upload from ${w.repo}.`;
      return {
        structured: {
          blocked: scan.blocked && !accepted,
          findings: scan.report.findings,
          whatShips: w,
          staleAllowlist: scan.report.staleAllowlist ?? [],
          ...(accepted ? { accepted } : {}),
          stats: scan.report.stats,
        },
        text: [
          verdict,
          `History: every blob of ${w.revs.join(" ")}; files: ${w.files.length ? w.files.join(", ") : "(none)"}.`,
          formatFindings(scan.report),
        ].join("\n"),
      };
    } finally {
      notifier.stop();
    }
  },
});
