/**
 * `amplihack-remote scan [PATH] [--json] [--accept]`: runs the secret gate over what a run from PATH would
 * ship, without building anything: every blob of `--branches --tags HEAD`, the uncommitted work
 * (modified, staged and untracked files that are not ignored, read from the working tree) and the
 * `.claude/` files. Exit 0 when clean (or only non-blocking findings), 3 with blocking findings, 4
 * outside a git repository. `--accept` records every finding in the allow file (the baseline).
 */
import { resolve } from "node:path";
import { acceptFindings } from "../../core/accept-findings.js";
import { formatFindings, scanWhatShips } from "../../core/scan-what-ships.js";
import { scanViewSchema } from "../../core/views/scan.js";
import { ExitCode } from "../../util/errors.js";
import { cliDeps } from "../deps.js";
import { printError, printJson, printText } from "../print.js";
import { writeErr } from "../stdio.js";

export async function scanCommand(
  path: string | undefined,
  opts: { json: boolean; accept?: boolean },
): Promise<number> {
  try {
    const progress = !opts.json && process.stderr.isTTY ? (m: string) => writeErr(`  ${m}\n`) : undefined;
    // What ships and the scan itself live in core (the scan_secrets MCP tool shares them).
    const { report, whatShips, blocked } = await scanWhatShips({
      path: resolve(path ?? process.cwd()),
      cacheDir: cliDeps().scanCacheDir,
      onProgress: progress,
    });
    const accepted = opts.accept ? await acceptFindings(whatShips.repo, report.findings) : undefined;
    if (opts.json) {
      printJson(scanViewSchema, {
        blocked: blocked && !accepted,
        findings: report.findings.map((f) => ({ ...f, severity: f.severity ?? "block" })),
        whatShips,
        staleAllowlist: report.staleAllowlist ?? [],
        ...(accepted ? { accepted } : {}),
        stats: report.stats,
      });
    } else printText(`${formatFindings(report)}${accepted ? `\n\n${acceptedText(accepted)}` : ""}`);
    return !accepted && blocked ? ExitCode.secretFound : ExitCode.ok;
  } catch (err) {
    return printError(err, opts.json);
  }
}

function acceptedText(a: { file: string; added: number }): string {
  return a.added === 0
    ? `Nothing new to accept: every finding is already in ${a.file}.`
    : `Accepted ${a.added} finding(s) into ${a.file} (path, rule and fingerprint; no values). Review and commit it; only new findings block from now on.`;
}
