/**
 * Scans what ships: the blobs of the bundled history and the files of the archive. The caller
 * hands over where content comes from (this layer never runs git); here each unique blob is looked
 * up in the verdict cache, skipped if binary or over the size cap, and otherwise packed into
 * batches for the worker pool. Findings come back masked, fingerprinted and filtered through the
 * allowlist.
 */
import { availableParallelism } from "node:os";
import { RemoteError } from "../util/errors.js";
import { staleEntries } from "./allowlist.js";
import { looksBinary } from "./binary.js";
import { openVerdictCache } from "./cache.js";
import { type RawFinding, RULESET_VERSION } from "./engine.js";
import { fingerprintOf, gitBlobId } from "./fingerprint.js";
import type { BatchItem, ItemResult } from "./scan-batch.js";
import type { Finding, ScanReport, ScanStats } from "./types.js";
import { createScanPool, inProcessPool, type ScanPool } from "./worker-pool.js";

export const DEFAULT_MAX_BLOB_BYTES = 2 * 1024 * 1024;
/** Below this much content to scan, starting threads costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 8 * 1024 * 1024;
const BATCH_BYTES = 1024 * 1024;
const BATCH_ITEMS = 512;

export interface BlobMeta {
  oid: string;
  path: string;
  size: number;
}

export interface BlobContent {
  oid: string;
  content: Buffer;
}

export interface BlobOrigin {
  commit: string;
  ref?: string;
  /** The blob's path in that commit (it may differ from the first path rev-list saw). */
  path?: string;
}

/** The bundled history, as the git layer provides it. */
export interface HistorySource {
  blobs: readonly BlobMeta[];
  /** Streams the contents of the given blobs, in any order, each exactly once. */
  read(oids: readonly string[]): AsyncIterable<BlobContent>;
  /** Finds a commit and ref that contain each blob; called only for blobs with findings. */
  locate(oids: readonly string[]): Promise<Map<string, BlobOrigin>>;
}

/** A file that ships in the archive, by its path in the archive. */
export interface ArchiveFile {
  path: string;
  size: number;
  read(): Promise<Buffer>;
}

export interface ScanOptions {
  history?: HistorySource;
  files?: readonly ArchiveFile[];
  /** Fingerprints from .amplihack-remote-allow. */
  allowlist?: ReadonlySet<string>;
  /** Where clean verdicts are kept between runs; no cache when absent. */
  cacheDir?: string;
  maxBlobBytes?: number;
  /** Worker threads: "auto" uses the cores when there is enough content, 0 forces the calling thread. */
  workers?: number | "auto";
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

interface Located {
  kind: "history" | "file";
  oid: string;
  path: string;
  raw: RawFinding[];
}

export async function scanShippedContent(options: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  const maxBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const say = options.onProgress ?? (() => {});
  const stats: ScanStats = {
    blobsScanned: 0,
    blobsFromCache: 0,
    filesScanned: 0,
    bytesScanned: 0,
    skippedBinary: 0,
    skippedLarge: 0,
    allowlisted: 0,
    durationMs: 0,
    blobsTotal: options.history?.blobs.length ?? 0,
    reachedEngine: 0,
    workers: 0,
    skippedLargePaths: [],
    allowlistedInline: 0,
    allowlistedByFile: 0,
  };
  const cache = options.cacheDir ? await openVerdictCache(options.cacheDir, RULESET_VERSION) : undefined;

  // Plan the history: what the cache already knows and what is too large is never read.
  const toRead: BlobMeta[] = [];
  let bytesToRead = 0;
  for (const blob of options.history?.blobs ?? []) {
    const known = cache?.get(blob.oid);
    if (known === "clean") stats.blobsFromCache++;
    else if (known === "binary") stats.skippedBinary++;
    else if (blob.size > maxBytes) noteLarge(stats, blob.path);
    else {
      toRead.push(blob);
      bytesToRead += blob.size;
    }
  }
  for (const f of options.files ?? []) bytesToRead += Math.min(f.size, maxBytes);

  const workers = chooseWorkers(options.workers ?? "auto", bytesToRead);
  const pool = workers > 0 ? await createScanPool({ workers, onNote: say }) : inProcessPool();
  stats.workers = pool.workers;
  say(
    `scanning ${toRead.length} of ${stats.blobsTotal} history blobs (${mb(bytesToRead)} MB with files; ` +
      `${stats.blobsFromCache} cached clean, ${stats.skippedLarge} over ${mb(maxBytes)} MB) ` +
      (pool.workers > 0 ? `on ${pool.workers} worker threads` : "on the main thread"),
  );

  const batcher = new Batcher(pool, options.signal);
  const results = new Map<string, RawFinding[]>();
  const pathOf = new Map<string, string>();
  try {
    if (toRead.length > 0 && options.history) {
      const metaByOid = new Map(toRead.map((b) => [b.oid, b]));
      let done = 0;
      let lastReport = performance.now();
      for await (const { oid, content } of options.history.read(toRead.map((b) => b.oid))) {
        throwIfAborted(options.signal);
        const meta = metaByOid.get(oid);
        if (!meta) continue;
        stats.blobsScanned++;
        stats.bytesScanned += content.length;
        if (looksBinary(content)) {
          stats.skippedBinary++;
          cache?.set(oid, "binary");
        } else {
          pathOf.set(oid, meta.path);
          await batcher.add({ key: oid, path: meta.path }, content);
        }
        done++;
        if (performance.now() - lastReport > 1000) {
          lastReport = performance.now();
          say(`scanned ${done}/${toRead.length} blobs`);
        }
      }
      throwIfAborted(options.signal);
      // A blob we could not read is a blob we could not scan: never pass that off as clean.
      if (done < toRead.length)
        throw new Error(`${toRead.length - done} blob(s) could not be read for the secret scan`);
    }

    const fileKeys: { file: ArchiveFile; oid: string }[] = [];
    for (const file of options.files ?? []) {
      throwIfAborted(options.signal);
      if (file.size > maxBytes) {
        noteLarge(stats, file.path);
        continue;
      }
      const content = await file.read();
      const oid = gitBlobId(content);
      stats.filesScanned++;
      stats.bytesScanned += content.length;
      if (looksBinary(content)) {
        stats.skippedBinary++;
        continue;
      }
      fileKeys.push({ file, oid });
      // Keyed by path: two files with the same content are two places that ship.
      await batcher.add({ key: `file:${file.path}`, path: file.path }, content);
    }

    for (const r of await batcher.drain()) {
      if (r.reachedEngine) stats.reachedEngine = (stats.reachedEngine ?? 0) + 1;
      results.set(r.key, r.findings);
      if (!r.key.startsWith("file:") && r.findings.length === 0) cache?.set(r.key, "clean");
    }

    const located: Located[] = [];
    for (const [key, raw] of results) {
      if (raw.length === 0 || key.startsWith("file:")) continue;
      located.push({ kind: "history", oid: key, path: pathOf.get(key) ?? "", raw });
    }
    for (const { file, oid } of fileKeys) {
      const raw = results.get(`file:${file.path}`) ?? [];
      if (raw.length > 0) located.push({ kind: "file", oid, path: file.path, raw });
    }

    const used = new Set<string>();
    const findings = await toFindings(located, options, stats, used);
    await cache?.save();
    stats.durationMs = Math.round(performance.now() - started);
    say(`secret scan done: ${findings.length} finding(s) in ${stats.durationMs} ms`);
    return { findings, stats, staleAllowlist: staleEntries(options.allowlist ?? new Set(), used) };
  } finally {
    await pool.close();
  }
}

async function toFindings(
  located: Located[],
  options: ScanOptions,
  stats: ScanStats,
  used: Set<string>,
): Promise<Finding[]> {
  const historyOids = located.filter((l) => l.kind === "history").map((l) => l.oid);
  const origins =
    historyOids.length > 0 && options.history ? await options.history.locate(historyOids) : new Map();
  const findings: Finding[] = [];
  for (const item of located) {
    const origin: BlobOrigin | undefined = item.kind === "history" ? origins.get(item.oid) : undefined;
    for (const raw of item.raw) {
      const fingerprint = fingerprintOf(item.oid, raw.rule, raw.line);
      if (raw.allowedInline) {
        stats.allowlisted++;
        stats.allowlistedInline = (stats.allowlistedInline ?? 0) + 1;
        continue;
      }
      if (options.allowlist?.has(fingerprint)) {
        used.add(fingerprint);
        stats.allowlisted++;
        stats.allowlistedByFile = (stats.allowlistedByFile ?? 0) + 1;
        continue;
      }
      findings.push({
        rule: raw.rule,
        path: origin?.path ?? item.path,
        line: raw.line,
        column: raw.column,
        masked: raw.masked,
        source: item.kind,
        ...(origin ? { commit: origin.commit, ...(origin.ref ? { ref: origin.ref } : {}) } : {}),
        fingerprint,
        severity: raw.severity,
      });
    }
  }
  return findings.sort((a, b) =>
    a.source === b.source ? a.path.localeCompare(b.path) || a.line - b.line : a.source === "file" ? -1 : 1,
  );
}

function noteLarge(stats: ScanStats, path: string): void {
  stats.skippedLarge++;
  stats.skippedLargePaths ??= [];
  if (stats.skippedLargePaths.length < 50) stats.skippedLargePaths.push(path);
}

function chooseWorkers(requested: number | "auto", bytes: number): number {
  if (requested !== "auto") return Math.max(0, Math.floor(requested));
  if (bytes < WORKER_THRESHOLD_BYTES) return 0;
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * Packs texts into batches and keeps a bounded number in flight: reading pauses (and with it
 * `git cat-file`) while the workers are busy, so memory stays bounded however large the history.
 */
class Batcher {
  private chunks: Buffer[] = [];
  private items: BatchItem[] = [];
  private bytes = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly done: ItemResult[] = [];
  private readonly maxInFlight: number;
  private failure: unknown;

  constructor(
    private readonly pool: ScanPool,
    private readonly signal?: AbortSignal,
  ) {
    this.maxInFlight = Math.max(2, pool.workers * 2);
  }

  async add(item: { key: string; path: string }, content: Buffer): Promise<void> {
    this.items.push({ key: item.key, path: item.path, start: this.bytes, end: this.bytes + content.length });
    this.chunks.push(content);
    this.bytes += content.length;
    if (this.bytes >= BATCH_BYTES || this.items.length >= BATCH_ITEMS) await this.flush();
  }

  async drain(): Promise<ItemResult[]> {
    await this.flush();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    return this.done;
  }

  private async flush(): Promise<void> {
    if (this.items.length === 0) return;
    const joined = Buffer.concat(this.chunks, this.bytes);
    // A fresh ArrayBuffer holding exactly this batch (Buffer.concat may hand out a pooled slice).
    const buffer = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.length);
    const items = this.items;
    this.chunks = [];
    this.items = [];
    this.bytes = 0;
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    throwIfAborted(this.signal);
    if (this.failure) throw this.failure;
    const job: Promise<void> = this.pool
      .scan(buffer as ArrayBuffer, items)
      .then(
        (results) => {
          for (const r of results) this.done.push(r);
        },
        (err) => {
          this.failure = err;
        },
      )
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (!signal?.aborted) return;
  throw new RemoteError(
    "interrupted",
    "Secret scan cancelled; nothing was uploaded.",
    "Run it again when ready.",
    {
      cause: signal.reason,
    },
  );
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
