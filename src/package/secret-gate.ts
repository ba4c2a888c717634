/**
 * The secret gate of the package stage: scans exactly what would ship (every blob reachable from
 * the bundled revs, and every archive file) and returns the findings; the caller decides to block.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { listReachableBlobs, locateBlobs, readBlobs } from "../git/blobs.js";
import { ALLOWLIST_FILE, parseAllowlist } from "../secrets/allowlist.js";
import { type ArchiveFile, type HistorySource, scanShippedContent } from "../secrets/scan.js";
import type { Finding, ScanReport } from "../secrets/types.js";

export interface SecretGateOptions {
  repo: string;
  /** Where the allow file is, when `repo` is a scratch repository (default: `repo`). */
  allowlistRoot?: string;
  /** Rev args as given to `git bundle create`: `--branches`, `--tags`, `HEAD`, a WIP ref or sha. */
  revs: string[];
  /** Files that ship in the archive; `path` is their path in the archive (`.claude/settings.json`). */
  files: { path: string; absPath: string }[];
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Blobs and files larger than this are skipped and counted (default 2 MB). */
  maxBlobBytes?: number;
  /** Worker threads; "auto" (default) uses the cores when there is enough to scan. */
  workers?: number | "auto";
}

export async function runSecretGate(opts: SecretGateOptions): Promise<ScanReport> {
  const say = opts.onProgress ?? (() => {});
  say(`listing blobs reachable from ${opts.revs.join(" ") || "(no revs)"}`);
  const blobs = await listReachableBlobs(opts.repo, opts.revs, { signal: opts.signal });
  const history: HistorySource = {
    blobs,
    read: (oids) => readBlobs(opts.repo, oids, { signal: opts.signal }),
    locate: (oids) => locateBlobs(opts.repo, oids, opts.revs, { signal: opts.signal }),
  };
  const files: ArchiveFile[] = await Promise.all(
    opts.files.map(async (f) => ({
      path: f.path,
      size: (await stat(f.absPath)).size,
      read: () => readFile(f.absPath),
    })),
  );
  return scanShippedContent({
    history,
    files,
    allowlist: await readAllowlist(opts.allowlistRoot ?? opts.repo),
    cacheDir: opts.cacheDir,
    maxBlobBytes: opts.maxBlobBytes,
    workers: opts.workers,
    signal: opts.signal,
    onProgress: say,
  });
}

async function readAllowlist(repo: string): Promise<Set<string>> {
  try {
    return parseAllowlist(await readFile(join(repo, ALLOWLIST_FILE), "utf8"));
  } catch {
    return new Set();
  }
}

/** The block a user reads when the gate blocks: one line per finding, then what to do. */
export function formatFindings(report: ScanReport): string {
  const { findings, stats } = report;
  const lines: string[] = [];
  for (const f of findings) lines.push(`  ${findingLine(f)}`);
  const large = stats.skippedLargePaths?.length ? ` (${stats.skippedLargePaths.join(", ")})` : "";
  const counted =
    `Scanned ${stats.blobsScanned} blob(s) (${stats.blobsFromCache} known clean from cache) and ${stats.filesScanned} file(s); ` +
    `skipped ${stats.skippedBinary} binary and ${stats.skippedLarge} too large${large}; ${stats.allowlisted} allowlisted.`;
  if (findings.length === 0) return `No secrets found. ${counted}`;
  const inHistory = findings.some((f) => f.source === "history");
  lines.push(
    "",
    counted,
    "",
    "What to do, for each finding:",
    "  - Remove the credential and rotate it: treat it as exposed to anyone who has had this repository.",
    "  - Keep credentials in a file that never ships, such as .env (excluded at any depth), or in the environment.",
  );
  if (inHistory) {
    lines.push(
      "  - A finding with a commit is in history: removing it from the working tree is not enough. Rewrite history,",
      "    e.g. `git filter-repo --replace-text <file>` (or --invert-paths --path <file>), or leave that branch or tag out.",
    );
  }
  lines.push(
    `  - If after review it is not a secret, add its fingerprint to ${ALLOWLIST_FILE} at the repository root`,
    "    (or put `pragma: allowlist secret` on that line). Fingerprints for the findings above:",
    ...findings.map((f) => `      ${f.fingerprint}  # ${f.path}:${f.line} ${f.rule}`),
  );
  return lines.join("\n");
}

function findingLine(f: Finding): string {
  const where = f.commit ? `  [commit ${f.commit.slice(0, 7)}${f.ref ? ` on ${f.ref}` : ""}]` : "";
  return `${f.path}:${f.line}  ${f.rule}  ${f.masked}${where}`;
}
