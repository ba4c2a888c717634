/**
 * `amplihack-remote scan [PATH] [--json] [--accept]`: runs the secret gate over what a run from PATH would
 * ship, without building anything: every blob of `--branches --tags HEAD`, the uncommitted work
 * (modified, staged and untracked files that are not ignored, read from the working tree) and the
 * `.claude/` files. Exit 0 when clean (or only non-blocking findings), 3 with blocking findings, 4
 * outside a git repository. `--accept` records every finding in the allow file (the baseline).
 */
import { resolve } from "node:path";
import { acceptFindings } from "../../core/accept-findings.js";
import { formatFindings, type ScanReport, scanWhatShips } from "../../core/scan-what-ships.js";
import { asRemoteError, ExitCode } from "../../util/errors.js";
import { cliDeps } from "../deps.js";

export async function scanCommand(
  path: string | undefined,
  opts: { json: boolean; accept?: boolean },
): Promise<number> {
  try {
    const progress =
      !opts.json && process.stderr.isTTY ? (m: string) => process.stderr.write(`  ${m}\n`) : undefined;
    // What ships and the scan itself live in core (the scan_secrets MCP tool shares them).
    const { report, whatShips, blocked } = await scanWhatShips({
      path: resolve(path ?? process.cwd()),
      cacheDir: cliDeps().scanCacheDir,
      onProgress: progress,
    });
    const accepted = opts.accept ? await acceptFindings(whatShips.repo, report.findings) : undefined;
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ ...toJson(report), ...(accepted ? { accepted } : {}) }, null, 2)}\n`
        : `${formatFindings(report)}\n${accepted ? `\n${acceptedText(accepted)}\n` : ""}`,
    );
    return !accepted && blocked ? ExitCode.secretFound : ExitCode.ok;
  } catch (err) {
    const error = asRemoteError(err);
    if (opts.json) process.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    else process.stderr.write(`${error.toUserText()}\n`);
    return error.exitCode;
  }
}

function acceptedText(a: { file: string; added: number }): string {
  return a.added === 0
    ? `Nothing new to accept: every finding is already in ${a.file}.`
    : `Accepted ${a.added} finding(s) into ${a.file} (path, rule and fingerprint; no values). Review and commit it; only new findings block from now on.`;
}

/** The JSON shape of `scan --json`: findings with masked values only, and the counters. */
export function toJson(report: ScanReport) {
  return {
    findings: report.findings.map((f) => ({
      path: f.path,
      line: f.line,
      rule: f.rule,
      masked: f.masked,
      ...(f.commit ? { commit: f.commit } : {}),
      ...(f.ref ? { ref: f.ref } : {}),
      fingerprint: f.fingerprint,
      severity: f.severity ?? "block",
    })),
    stats: report.stats,
    staleAllowlist: report.staleAllowlist ?? [],
  };
}
