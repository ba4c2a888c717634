/**
 * The secret gate of the package stage: scans exactly what would ship (every blob reachable from
 * the bundled revs, and every archive file) and returns the findings; the caller decides to block.
 *
 * With a cache directory the gate is incremental: the ref tips it judged last time are remembered
 * (secrets/judged-tips.ts), and when every one of them is still reachable from what ships now, only
 * the blobs reachable from the new tips and not from the judged ones are listed
 * (`rev-list --objects NEW ^OLD`); the judged blobs that had findings come along from that record,
 * with their verdicts from the cache. Otherwise (a branch rewritten or deleted) everything is
 * listed again, and the verdict cache still spares reading it.
 *
 * rev-list names a blob by one path; a walk of the same range (blob-paths.ts) finds every other
 * path it ships at, while the content is scanned, so a credential file name is checked wherever
 * the content sits. Blobs found under such a name are remembered with the judged tips.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type BlobAtPath, blobsAtPaths } from "../git/blob-paths.js";
import {
  allReachableFrom,
  type BlobPlace,
  listBlobsSince,
  listNewBlobs,
  listReachableBlobs,
  locateBlobs,
  readBlobPieces,
  resolveTips,
} from "../git/blobs.js";
import { ALLOWLIST_FILE, parseAllowlist } from "../secrets/allowlist.js";
import { verdictFolder } from "../secrets/cache.js";
import { credentialFileKind } from "../secrets/credential-files.js";
import { RULESET_VERSION } from "../secrets/engine.js";
import { type JudgedTips, loadJudgedTips, saveJudgedTips } from "../secrets/judged-tips.js";
import { type ArchiveFile, type BlobMeta, type HistorySource, scanShippedContent } from "../secrets/scan.js";
import { isBlocking } from "../secrets/severity.js";
import type { Finding, ScanReport } from "../secrets/types.js";
import type { StreamRunner } from "../util/run.js";

export interface SecretGateOptions {
  repo: string;
  /** Where the allow file is, when `repo` is a scratch repository (default: `repo`). */
  allowlistRoot?: string;
  /**
   * The repository whose judged tips are remembered (default: `repo`). A scratch repository lives
   * in a fresh temporary directory each run: keyed on it, the record would never be found again.
   */
  rememberAs?: string;
  /** Rev args as given to `git bundle create`: `--branches`, `--tags`, `HEAD`, a WIP ref or sha. */
  revs: string[];
  /** Files that ship in the archive; `path` is their path in the archive (`.claude/settings.json`). */
  files: { path: string; absPath: string }[];
  /** Where verdicts and judged tips are kept between runs; every blob is listed and read without it. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Worker threads; "auto" (default) uses the cores when there is enough to scan. */
  workers?: number | "auto";
  /** Spawns git (a recording runner in tests). */
  stream?: StreamRunner;
}

export async function runSecretGate(opts: SecretGateOptions): Promise<ScanReport> {
  const say = opts.onProgress ?? (() => {});
  // The walks for credential names see where every blob of the range first sits; a finding is
  // then shown without a second walk of the history after the scan.
  const git: Git = { signal: opts.signal, stream: opts.stream, places: new Map() };
  say(`listing blobs reachable from ${opts.revs.join(" ") || "(no revs)"}`);
  const listing = opts.cacheDir
    ? await listSinceJudged(
        opts.repo,
        opts.rememberAs ?? opts.repo,
        opts.revs,
        verdictFolder(opts.cacheDir, RULESET_VERSION),
        git,
      )
    : await listEverything(opts.repo, opts.revs, git);
  const history: HistorySource = {
    blobs: listing.blobs,
    alsoAt: Promise.all([listing.namedFromTips, listing.namedElsewhere]).then(([a, b]) => [...a, ...b]),
    read: (oids) => readBlobPieces(opts.repo, oids, git),
    locate: (oids) => locateBlobs(opts.repo, oids, opts.revs, git, git.places),
  };
  const files: ArchiveFile[] = await Promise.all(
    opts.files.map(async (f) => ({
      path: f.path,
      size: (await stat(f.absPath)).size,
      read: () => readFile(f.absPath),
    })),
  );
  const dirty = new Set<string>();
  const report = await scanShippedContent({
    history,
    files,
    allowlist: await readAllowlist(opts.allowlistRoot ?? opts.repo),
    cacheDir: opts.cacheDir,
    workers: opts.workers,
    signal: opts.signal,
    onProgress: say,
    onBlobVerdict: (blob, hasFindings) => {
      if (hasFindings) dirty.add(placeKey(blob));
    },
    onCacheSaved: async () => {
      if (!listing.record) return;
      const { folder, tips, fromTips } = listing.record;
      const named = await listing.namedFromTips;
      await saveJudgedTips(folder, opts.rememberAs ?? opts.repo, {
        tips,
        // The carried blobs are among the judged ones already.
        blobCount: listing.judgedBlobs + uniqueOids(fromTips) - listing.carried,
        // Every place found by name is one to carry: a credential file name.
        dirty: uniquePlaces([...fromTips.filter((b) => dirty.has(placeKey(b))), ...named]),
      });
    },
  });
  report.stats.blobsTotal = listing.judgedBlobs + uniqueOids(listing.blobs) - listing.carried;
  report.stats.blobsBehindJudgedTips = listing.judgedBlobs;
  return report;
}

interface Listing {
  /** The blobs to judge now: new ones, and judged ones that had findings. */
  blobs: BlobMeta[];
  /** Blobs reachable from judged tips (not listed again). */
  judgedBlobs: number;
  /** How many distinct blobs of `blobs` came from the judged record. */
  carried: number;
  /** The places in the new range (from the named tips) where a blob ships under a credential name. */
  namedFromTips: Promise<BlobMeta[]>;
  /** The same for revs that are not named tips (a WIP snapshot): judged every time, never remembered. */
  namedElsewhere: Promise<BlobMeta[]>;
  /** What to remember once the verdicts are saved: the named tips and the blobs they reach now. */
  record?: { folder: string; tips: Record<string, string>; fromTips: BlobMeta[] };
}

type Git = { signal?: AbortSignal; stream?: StreamRunner; places: Map<string, BlobPlace> };

async function listEverything(repo: string, revs: readonly string[], git: Git): Promise<Listing> {
  // Started first: the walk runs while the blobs are listed, read and scanned.
  const namedFromTips = namedPlaces(repo, revs, [], git);
  return {
    blobs: await listReachableBlobs(repo, revs, git),
    judgedBlobs: 0,
    carried: 0,
    namedFromTips,
    namedElsewhere: Promise.resolve([]),
  };
}

async function listSinceJudged(
  repo: string,
  rememberedAs: string,
  revs: readonly string[],
  folder: string,
  git: Git,
): Promise<Listing> {
  const { tips, others } = await resolveTips(repo, revs, git);
  const tipOids = [...new Set(tips.values())];
  const judged = await loadJudgedTips(folder, rememberedAs);
  let base = judged;
  let baseOids = judged ? [...new Set(Object.values(judged.tips))] : [];
  // Optimistic: the judged tips are taken to be still shipped, so one rev-list lists what is new
  // and, on its boundary, shows the judged tips it reached (one process instead of two in turn).
  let namedFromTips = namedPlaces(repo, tipOids, baseOids, git);
  let since = await listBlobsSince(repo, tipOids, baseOids, git);
  const unproven = judged ? movedTips(judged, tips).filter((oid) => !since.boundary.has(oid)) : [];
  if (unproven.length > 0 && !(await allReachableFrom(repo, unproven, tipOids, git))) {
    // A branch was rewritten or deleted: judge everything again (the verdict cache spares reading).
    base = undefined;
    baseOids = [];
    namedFromTips = namedPlaces(repo, tipOids, [], git);
    since = await listBlobsSince(repo, tipOids, [], git);
  }
  const namedElsewhere =
    others.length > 0 ? namedPlaces(repo, others, [...tipOids, ...baseOids], git) : Promise.resolve([]);
  const fresh = since.blobs;
  const carried = base?.dirty ?? [];
  // Revs that are not named tips (the WIP snapshot) are judged every time and never remembered.
  const extra = others.length > 0 ? await listNewBlobs(repo, others, [...tipOids, ...baseOids], git) : [];
  return {
    blobs: [...fresh, ...carried, ...extra],
    judgedBlobs: base?.blobCount ?? 0,
    carried: uniqueOids(carried),
    namedFromTips,
    namedElsewhere,
    record: { folder, tips: Object.fromEntries(tips), fromTips: [...carried, ...fresh] },
  };
}

/** The judged tips that moved or went away since (their objects, once each). */
function movedTips(judged: JudgedTips, tips: Map<string, string>): string[] {
  const moved = Object.entries(judged.tips)
    .filter(([name, oid]) => tips.get(name) !== oid)
    .map(([, oid]) => oid);
  return [...new Set(moved)];
}

/**
 * Where blobs of the range ship under a credential file name (a walk of the history that runs
 * while the content is scanned). Its failure fails the gate when the scan asks for the result; it
 * is never left unhandled in the meantime.
 */
function namedPlaces(repo: string, include: readonly string[], exclude: readonly string[], git: Git) {
  const walk = blobsAtPaths(repo, include, exclude, (path) => credentialFileKind(path) !== undefined, {
    ...git,
    firstPlaces: git.places,
  }).then((found: BlobAtPath[]): BlobMeta[] =>
    found.map((b) => ({ oid: b.oid, path: b.path, size: 0, commit: b.commit })),
  );
  walk.catch(() => {});
  return walk;
}

function placeKey(blob: BlobMeta): string {
  return `${blob.oid}\t${blob.path}`;
}

function uniquePlaces(blobs: readonly BlobMeta[]): BlobMeta[] {
  return [...new Map(blobs.map((b) => [placeKey(b), b])).values()];
}

function uniqueOids(blobs: readonly BlobMeta[]): number {
  return new Set(blobs.map((b) => b.oid)).size;
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
  const counted =
    `Scanned ${stats.blobsScanned} blob(s) (${stats.blobsFromCache} more known from cache, ` +
    `${stats.blobsBehindJudgedTips ?? 0} behind refs judged before) and ${stats.filesScanned} file(s), ` +
    `${stats.binaryScanned ?? 0} of them binary (printable runs) and ${stats.windowed ?? 0} large (in windows); ` +
    `${stats.allowlisted} allowlisted.`;
  const stale = staleNote(report.staleAllowlist ?? []);
  if (findings.length === 0) return `No secrets found. ${counted}${stale}`;
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
    "  - Or, once you have reviewed every finding above, accept them all as the baseline in one step:",
    `    amplihack-remote scan --accept (or scan_secrets with accept: true) records each in ${ALLOWLIST_FILE}`,
    "    (path, rule, fingerprint; never the value); commit that file. Only new findings block after that.",
  );
  return lines.join("\n") + stale;
}

/** Allow-file entries that matched nothing: the finding is gone, so the entry can go too. */
function staleNote(stale: readonly string[]): string {
  if (stale.length === 0) return "";
  const shown = stale.slice(0, 20).map((fp) => `\n  ${fp}`);
  const more = stale.length > 20 ? `\n  ... and ${stale.length - 20} more` : "";
  return `\n\n${stale.length} stale entr${stale.length === 1 ? "y" : "ies"} in ${ALLOWLIST_FILE} (matched nothing in this scan; remove after checking):${shown.join("")}${more}`;
}

function findingLine(f: Finding): string {
  const where = f.commit ? `  [commit ${f.commit.slice(0, 7)}${f.ref ? ` on ${f.ref}` : ""}]` : "";
  const warn = isBlocking(f)
    ? ""
    : "  (reported, not blocking: a test fixture or doc, or a token failing its checksum)";
  return `${f.path}:${f.line}  ${f.rule}  ${f.masked}${where}${warn}`;
}
