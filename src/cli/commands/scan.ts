/**
 * `amplihack-remote scan [PATH] [--json]`: runs the secret gate over what a run from PATH would
 * ship, without building anything: every blob of `--branches --tags HEAD`, the uncommitted work
 * (modified, staged and untracked files that are not ignored, read from the working tree) and the
 * `.claude/` files. Exit 0 when clean, 3 with findings, 4 outside a git repository.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { asRemoteError, ExitCode, RemoteError } from "../../core/errors.js";
import { createGit } from "../../git/git.js";
import { listClaudeFiles } from "../../package/claude-files.js";
import { isExcludedPath } from "../../package/exclusions.js";
import { formatFindings, runSecretGate } from "../../package/secret-gate.js";
import type { ScanReport } from "../../secrets/types.js";
import { scanCacheDir } from "../../state/paths.js";

export async function scanCommand(path: string | undefined, opts: { json: boolean }): Promise<number> {
  try {
    const root = await repoRoot(resolve(path ?? process.cwd()));
    const git = createGit(root);
    const hasHead = (await git.try(["rev-parse", "--verify", "-q", "HEAD"])).exitCode === 0;
    const revs = ["--branches", "--tags", ...(hasHead ? ["HEAD"] : [])];
    const files = await filesOutsideHistory(root, hasHead);
    const progress =
      !opts.json && process.stderr.isTTY ? (m: string) => process.stderr.write(`  ${m}\n`) : undefined;
    const report = await runSecretGate({
      repo: root,
      revs,
      files,
      cacheDir: scanCacheDir(),
      onProgress: progress,
    });
    process.stdout.write(
      opts.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : `${formatFindings(report)}\n`,
    );
    return report.findings.length > 0 ? ExitCode.secretFound : ExitCode.ok;
  } catch (err) {
    const error = asRemoteError(err);
    if (opts.json) process.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    else process.stderr.write(`${error.toUserText()}\n`);
    return error.exitCode;
  }
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
    })),
    stats: report.stats,
  };
}

async function repoRoot(dir: string): Promise<string> {
  const out = await createGit(dir).try(["rev-parse", "--show-toplevel"]);
  if (out.exitCode !== 0 || !out.stdout.trim()) {
    throw new RemoteError(
      "not-a-repo",
      `${dir} is not inside a git repository.`,
      "Run the scan from a git repository, or pass its path: amplihack-remote scan PATH",
    );
  }
  return out.stdout.trim();
}

/**
 * Uncommitted work as it sits in the working tree, and the .claude/ files. Untracked files that
 * are excluded from shipping (.env, keys...) are left out: they never leave the machine, and
 * "move it to .env" is the remedy we give. A modified tracked file ships whatever its name.
 */
async function filesOutsideHistory(
  root: string,
  hasHead: boolean,
): Promise<{ path: string; absPath: string }[]> {
  const git = createGit(root);
  const list = async (args: string[]) => (await git.run(args)).split("\0").filter(Boolean);
  const tracked = new Set([
    ...(await list(["ls-files", "-z", "--modified"])),
    ...(hasHead
      ? await list(["diff", "-z", "--name-only", "--cached", "HEAD"])
      : await list(["ls-files", "-z"])),
  ]);
  const untracked = (await list(["ls-files", "-z", "--others", "--exclude-standard"])).filter(
    (p) => !isExcludedPath(p),
  );
  const byPath = new Map<string, string>();
  for (const rel of [...tracked, ...untracked]) {
    const abs = join(root, rel);
    if (existsSync(abs) && statSync(abs).isFile()) byPath.set(rel, abs);
  }
  const claudeDir = join(root, ".claude");
  if (existsSync(claudeDir) && statSync(claudeDir).isDirectory()) {
    for (const f of (await listClaudeFiles(root)).files) byPath.set(f.path, f.absPath);
  }
  return [...byPath].map(([path, absPath]) => ({ path, absPath }));
}
