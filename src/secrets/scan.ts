/**
 * Scans what ships: the blobs of the bundled history and the files of the archive. The caller
 * hands over where content comes from (this layer never runs git); here each unique blob is looked
 * up in the verdict cache and otherwise read and packed into batches for the worker pool. Nothing
 * is skipped: large text is cut into overlapping windows (windows.ts) and binary content is scanned
 * through its printable runs (binary.ts). A well-known credential file blocks by its name alone.
 * Findings come back masked and fingerprinted; the allowlist is applied before anything is located
 * in history, so only what will be shown costs a walk of the history.
 */
import { availableParallelism } from "node:os";
import { RemoteError } from "../util/errors.js";
import { staleEntries } from "./allowlist.js";
import { looksBinaryPieces, printableRuns } from "./binary.js";
import { openVerdictCache, type Verdict } from "./cache.js";
import { CREDENTIAL_FILE_RULE, credentialFileKind } from "./credential-files.js";
import { forgetScannedTexts, type RawFinding, RULESET_VERSION, type ScanMode } from "./engine.js";
import { describedExampleLines, readsAsDescription } from "./examples.js";
import { fingerprintOf, gitBlobId } from "./fingerprint.js";
import { type BatchItem, type ItemResult, scanItem } from "./scan-batch.js";
import { severityOf } from "./severity.js";
import type { Finding, ScanReport, ScanStats } from "./types.js";
import { textWindows, WINDOW_BYTES } from "./windows.js";
import { createScanPool, inProcessPool, type ScanPool } from "./worker-pool.js";

/** Below this much content to scan, starting threads costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 8 * 1024 * 1024;
const BATCH_BYTES = 1024 * 1024;
const BATCH_ITEMS = 512;

export interface BlobMeta {
  oid: string;
  path: string;
  size: number;
  /** A commit holding the blob at `path`, when the lister knows one (it is then never located). */
  commit?: string;
}

export interface BlobContent {
  oid: string;
  /**
   * The content in pieces, as the source read them (views of its chunks). A text that fits one
   * window goes into a batch piece by piece, so each byte is copied once on its way to a worker.
   */
  parts: readonly Buffer[];
}

export interface BlobOrigin {
  commit: string;
  ref?: string;
  /** The blob's path in that commit (it may differ from the first path rev-list saw). */
  path?: string;
}

/** The bundled history, as the git layer provides it. */
export interface HistorySource {
  /**
   * The blobs to judge. A blob listed again under another path is read and scanned once; each
   * further path is checked by name only (a credential file name blocks wherever it occurs).
   */
  blobs: readonly BlobMeta[];
  /**
   * More paths blobs ship at, found while the scan runs (by a walk of the history that may still
   * be under way when reading starts); checked by name only, whether or not the blob is in `blobs`.
   */
  alsoAt?: Promise<readonly BlobMeta[]>;
  /** Streams the contents of the given blobs, in any order, each exactly once. */
  read(oids: readonly string[]): AsyncIterable<BlobContent>;
  /** Finds a commit and ref that contain each blob; called only for blobs with findings to show. */
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
  /** Where verdicts are kept between runs; no cache when absent. */
  cacheDir?: string;
  /** Worker threads: "auto" uses the cores when there is enough content, 0 forces the calling thread. */
  workers?: number | "auto";
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Told, for each history blob, whether anything (allowlisted or not) was found in it. */
  onBlobVerdict?: (blob: BlobMeta, hasFindings: boolean) => void;
  /** Called once this run's verdicts are safely in the cache (what relies on them may be saved). */
  onCacheSaved?: () => Promise<void>;
}

interface Located {
  kind: "history" | "file";
  oid: string;
  path: string;
  raw: RawFinding[];
  /** Where it sits, when the lister said so (no need to locate it). */
  commit?: string;
}

export async function scanShippedContent(options: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  const say = options.onProgress ?? (() => {});
  const cache = options.cacheDir ? await openVerdictCache(options.cacheDir, RULESET_VERSION) : undefined;
  // What the cache already knows is never read.
  const located: Located[] = [];
  const toRead: BlobMeta[] = [];
  const listed = new Set<string>();
  const named = new Set<string>();
  for (const blob of options.history?.blobs ?? []) {
    named.add(placeKey(blob));
    if (listed.has(blob.oid)) {
      addNamed(located, blob, options);
      continue;
    }
    listed.add(blob.oid);
    const known = cache?.get(blob.oid);
    if (known) {
      addHistory(located, blob, known.findings, options);
    } else toRead.push(blob);
  }
  const stats = emptyStats(listed.size);
  stats.blobsFromCache = listed.size - toRead.length;
  const bytesToRead = [...toRead, ...(options.files ?? [])].reduce((n, x) => n + x.size, 0);
  const requested = options.workers ?? "auto";
  const workers = chooseWorkers(requested, bytesToRead);
  const starting = workers > 0 ? createScanPool({ workers, onNote: say }) : Promise.resolve(inProcessPool());
  // Asked for a number of threads, the scan waits for them. On "auto" it starts at once: this
  // thread scans while they load (a worker takes a while to load the code), and later scans
  // whenever they all are busy, so every core has work whatever the thread count.
  const pool = new PoolSlot(requested === "auto" ? undefined : await starting, starting);
  say(
    `scanning ${toRead.length} of ${stats.blobsTotal} history blobs (${mb(bytesToRead)} MB with files; ` +
      `${stats.blobsFromCache} known from cache) ` +
      (workers > 0
        ? `on ${workers} worker thread(s)${requested === "auto" ? " and this one" : ""}`
        : "on the main thread"),
  );
  const submitter = new Submitter(new Batcher(pool, requested === "auto", options.signal), stats);
  try {
    await readHistory(toRead, options, submitter, stats);
    const fileKeys = await readFiles(options, submitter, stats);
    const results = collect(await submitter.batcher.drain(), stats);
    submitter.markWindowedExamples(results);
    for (const meta of toRead) {
      const verdict: Verdict = {
        binary: submitter.binaryKeys.has(meta.oid),
        findings: results.get(meta.oid) ?? [],
      };
      cache?.set(meta.oid, verdict);
      addHistory(located, meta, verdict.findings, options);
    }
    for (const { file, oid } of fileKeys) {
      const raw = [...pathFindings(file.path), ...(results.get(`file:${file.path}`) ?? [])];
      if (raw.length > 0) located.push({ kind: "file", oid, path: file.path, raw });
    }
    for (const place of (await options.history?.alsoAt) ?? []) {
      if (named.has(placeKey(place))) continue;
      named.add(placeKey(place));
      addNamed(located, place, options);
    }
    const used = new Set<string>();
    const findings = await toFindings(located, options, stats, used);
    if (cache && (await cache.save())) await options.onCacheSaved?.();
    stats.durationMs = Math.round(performance.now() - started);
    say(`secret scan done: ${findings.length} finding(s) in ${stats.durationMs} ms`);
    return { findings, stats, staleAllowlist: staleEntries(options.allowlist ?? new Set(), used) };
  } finally {
    forgetScannedTexts();
    stats.workers = (await starting).workers;
    await (await starting).close();
  }
}

function emptyStats(blobsTotal: number): ScanStats {
  return {
    blobsScanned: 0,
    blobsFromCache: 0,
    filesScanned: 0,
    bytesScanned: 0,
    skippedBinary: 0,
    skippedLarge: 0,
    binaryScanned: 0,
    windowed: 0,
    credentialFiles: 0,
    allowlisted: 0,
    durationMs: 0,
    blobsTotal,
    reachedEngine: 0,
    workers: 0,
    allowlistedInline: 0,
    allowlistedByFile: 0,
  };
}

/** Hands content to the pool: binary content as its printable runs, large text in windows. */
class Submitter {
  readonly binaryKeys = new Set<string>();
  /**
   * The example lines of large API descriptions scanned in windows: a window does not see the
   * `examples:` key thousands of lines above it (Okta's 3.4 MB spec), so the whole text is read
   * for them once here and the windows' findings are marked afterwards.
   */
  private readonly windowedExamples = new Map<string, { path: string; marks: Uint8Array }>();
  constructor(
    readonly batcher: Batcher,
    private readonly stats: ScanStats,
  ) {}

  /** Marks the findings of windowed descriptions that sit in an example (see windowedExamples). */
  markWindowedExamples(results: Map<string, RawFinding[]>): void {
    for (const [key, { path, marks }] of this.windowedExamples) {
      for (const f of results.get(key) ?? []) {
        if (f.verdict !== "unknown" || f.inExample || marks[f.line] !== 1) continue;
        f.inExample = true;
        f.severity = severityOf(f.verdict, path, true);
      }
    }
  }

  async submit(key: string, path: string, parts: readonly Buffer[]): Promise<void> {
    const binary = looksBinaryPieces(parts);
    const size = parts.reduce((n, p) => n + p.length, 0);
    // One window (windows.ts) from line 1: nothing to cut, so nothing to join.
    if (!binary && size <= WINDOW_BYTES) {
      await this.batcher.add({ key, path, mode: "text", firstLine: 1, firstColumnShift: 0 }, parts);
      return;
    }
    const content = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    if (binary) {
      this.binaryKeys.add(key);
      this.stats.binaryScanned = (this.stats.binaryScanned ?? 0) + 1;
    }
    const text = binary ? printableRuns(content) : content;
    const windows = textWindows(text);
    if (windows.length > 1) this.stats.windowed = (this.stats.windowed ?? 0) + 1;
    if (!binary && windows.length > 1 && readsAsDescription(path))
      this.windowedExamples.set(key, {
        path,
        marks: describedExampleLines(new TextDecoder().decode(text).split("\n"), path),
      });
    for (const w of windows) {
      const item = { key, path, mode: (binary ? "binary" : "text") as ScanMode, ...w };
      await this.batcher.add(item, [text.subarray(w.start, w.end)]);
    }
  }
}

/** Streams the blobs the cache does not know through the pool, keyed by their oid. */
async function readHistory(
  toRead: BlobMeta[],
  options: ScanOptions,
  submitter: Submitter,
  stats: ScanStats,
): Promise<void> {
  if (toRead.length === 0 || !options.history) return;
  const say = options.onProgress ?? (() => {});
  const metaByOid = new Map(toRead.map((b) => [b.oid, b]));
  let done = 0;
  let lastReport = performance.now();
  for await (const { oid, parts } of options.history.read(byPath(toRead).map((b) => b.oid))) {
    throwIfAborted(options.signal);
    const meta = metaByOid.get(oid);
    if (!meta) continue;
    stats.blobsScanned++;
    for (const part of parts) stats.bytesScanned += part.length;
    await submitter.submit(oid, meta.path, parts);
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

/**
 * The blobs grouped by path, in listing order within a path (a stable sort): the versions of a
 * file then reach the same batch, and so the same thread, one after another, and the thread's
 * keyword memo (keyword-memo.ts) holds the version before each. git reads them as fast in this
 * order as in the listing's.
 */
function byPath(blobs: readonly BlobMeta[]): BlobMeta[] {
  return [...blobs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The archive's files through the pool, keyed by path: two files with the same content are two places that ship. */
async function readFiles(
  options: ScanOptions,
  submitter: Submitter,
  stats: ScanStats,
): Promise<{ file: ArchiveFile; oid: string }[]> {
  const fileKeys: { file: ArchiveFile; oid: string }[] = [];
  for (const file of options.files ?? []) {
    throwIfAborted(options.signal);
    const content = await file.read();
    stats.filesScanned++;
    stats.bytesScanned += content.length;
    fileKeys.push({ file, oid: gitBlobId(content) });
    await submitter.submit(`file:${file.path}`, file.path, [content]);
  }
  return fileKeys;
}

const VERDICT_WEIGHT = { invalid: 0, unknown: 1, valid: 2 } as const;

/** The windows of one text come back as separate results; a finding in an overlap, twice. */
function collect(results: ItemResult[], stats: ScanStats): Map<string, RawFinding[]> {
  const byKey = new Map<string, RawFinding[]>();
  const reached = new Set<string>();
  for (const r of results) {
    if (r.reachedEngine) reached.add(r.key);
    const list = byKey.get(r.key) ?? [];
    for (const f of r.findings) {
      const twin = list.findIndex((k) => k.rule === f.rule && k.line === f.line && k.column === f.column);
      if (twin < 0) list.push(f);
      // A block cut by its window's end may read as cut short (a PEM body, pem-body.ts): the
      // window that holds it whole says more.
      else if (VERDICT_WEIGHT[f.verdict] > VERDICT_WEIGHT[list[twin]!.verdict]) list[twin] = f;
    }
    byKey.set(r.key, list);
  }
  stats.reachedEngine = reached.size;
  for (const list of byKey.values()) list.sort((a, b) => a.line - b.line || a.column - b.column);
  return byKey;
}

/**
 * A well-known credential file is a finding by its name, whatever its content (not cached: it
 * depends on the path). Nothing in a name can be checked the way a provider token's structure can,
 * so it is judged like any other such match (severity.ts): it blocks, but in a test fixture or a doc
 * it is reported (httpx keeps a `tests/fixtures/.netrc` of `example-password`s in its history).
 */
function pathFindings(path: string): RawFinding[] {
  const kind = credentialFileKind(path);
  if (!kind) return [];
  return [
    {
      rule: CREDENTIAL_FILE_RULE,
      line: 1,
      column: 1,
      masked: `(${kind} file)`,
      allowedInline: false,
      severity: severityOf("unknown", path),
      verdict: "unknown",
    },
  ];
}

function addHistory(located: Located[], blob: BlobMeta, cached: RawFinding[], options: ScanOptions): void {
  const raw = [...pathFindings(blob.path), ...cached];
  options.onBlobVerdict?.(blob, raw.length > 0);
  if (raw.length > 0)
    located.push({ kind: "history", oid: blob.oid, path: blob.path, raw, commit: blob.commit });
}

/** A further path of a blob judged (or to be judged) elsewhere: only its name is checked. */
function addNamed(located: Located[], blob: BlobMeta, options: ScanOptions): void {
  const raw = pathFindings(blob.path);
  options.onBlobVerdict?.(blob, raw.length > 0);
  if (raw.length > 0)
    located.push({ kind: "history", oid: blob.oid, path: blob.path, raw, commit: blob.commit });
}

function placeKey(blob: BlobMeta): string {
  return `${blob.oid}\t${blob.path}`;
}

async function toFindings(
  located: Located[],
  options: ScanOptions,
  stats: ScanStats,
  used: Set<string>,
): Promise<Finding[]> {
  // The allowlist first: what it accepts is counted and never located.
  const shown: { item: Located; raw: RawFinding; fingerprint: string }[] = [];
  for (const item of located) {
    for (const raw of item.raw) {
      const fingerprint = fingerprintOf(item.oid, raw.rule, raw.line);
      if (raw.allowedInline) {
        stats.allowlisted++;
        stats.allowlistedInline = (stats.allowlistedInline ?? 0) + 1;
      } else if (options.allowlist?.has(fingerprint)) {
        used.add(fingerprint);
        stats.allowlisted++;
        stats.allowlistedByFile = (stats.allowlistedByFile ?? 0) + 1;
      } else shown.push({ item, raw, fingerprint });
    }
  }
  stats.credentialFiles = located.reduce(
    (n, l) => n + l.raw.filter((r) => r.rule === CREDENTIAL_FILE_RULE).length,
    0,
  );
  const historyOids = [
    ...new Set(shown.filter((s) => s.item.kind === "history" && !s.item.commit).map((s) => s.item.oid)),
  ];
  const origins =
    historyOids.length > 0 && options.history ? await options.history.locate(historyOids) : new Map();
  const findings: Finding[] = shown.map(({ item, raw, fingerprint }) => {
    const origin: BlobOrigin | undefined =
      item.kind !== "history" ? undefined : item.commit ? { commit: item.commit } : origins.get(item.oid);
    // Each path we know the blob ships at has its say; the blocking one wins, and is the one
    // named (paramiko's key blocked as demos/demo_rsa_key but was shown at a test path).
    // A name finding is about the path it was found at, wherever else the blob sits.
    const byName = raw.rule === CREDENTIAL_FILE_RULE;
    const paths = byName ? [item.path] : [...(origin?.path ? [origin.path] : []), item.path];
    const blocking = paths.find((p) => severityOf(raw.verdict, p, raw.inExample) === "block");
    return {
      rule: raw.rule,
      path: blocking ?? paths[0],
      line: raw.line,
      column: raw.column,
      masked: raw.masked,
      source: item.kind,
      ...(origin ? { commit: origin.commit, ...(origin.ref ? { ref: origin.ref } : {}) } : {}),
      fingerprint,
      severity: blocking ? "block" : "warn",
    };
  });
  return findings.sort((a, b) =>
    a.source === b.source ? a.path.localeCompare(b.path) || a.line - b.line : a.source === "file" ? -1 : 1,
  );
}

function chooseWorkers(requested: number | "auto", bytes: number): number {
  if (requested !== "auto") return Math.max(0, Math.floor(requested));
  if (bytes < WORKER_THRESHOLD_BYTES) return 0;
  // This thread reads git's output and scans when the workers are busy: it is one of the cores.
  return Math.max(1, Math.min(availableParallelism() - 1, 3));
}

/** The worker pool once it has started (from the start when the caller waited for it). */
class PoolSlot {
  constructor(
    private ready: ScanPool | undefined,
    starting: Promise<ScanPool>,
  ) {
    if (!ready) starting.then((p) => (this.ready = p));
  }

  /** Threads that take batches now; none while they are still loading. */
  current(): ScanPool | undefined {
    return this.ready && this.ready.workers > 0 ? this.ready : undefined;
  }
}

/**
 * Packs texts into batches and keeps a bounded number in flight: reading pauses (and with it
 * `git cat-file`) while the workers are busy, so memory stays bounded however large the history.
 * When this thread may help, a batch no worker can take now is scanned here instead of waiting.
 */
class Batcher {
  /** The pieces of every item, one after another (item offsets are into them joined). */
  private chunks: Buffer[] = [];
  private items: BatchItem[] = [];
  /** Each item's own pieces, for scanning here without joining the batch. */
  private itemParts: (readonly Buffer[])[] = [];
  private bytes = 0;
  /** Where an item in pieces is joined to be scanned here; reused, so joining allocates nothing. */
  private scratch = Buffer.alloc(0);
  private readonly inFlight = new Set<Promise<void>>();
  private readonly done: ItemResult[] = [];
  private failure: unknown;

  constructor(
    private readonly pool: PoolSlot,
    private readonly helps: boolean,
    private readonly signal?: AbortSignal,
  ) {}

  async add(item: Omit<BatchItem, "start" | "end">, parts: readonly Buffer[]): Promise<void> {
    const start = this.bytes;
    for (const part of parts) {
      this.chunks.push(part);
      this.bytes += part.length;
    }
    this.items.push({ ...item, start, end: this.bytes });
    this.itemParts.push(parts);
    if (this.bytes >= BATCH_BYTES || this.items.length >= BATCH_ITEMS) await this.flush();
  }

  private whole(parts: readonly Buffer[]): Buffer {
    if (parts.length === 1) return parts[0]!;
    const size = parts.reduce((n, p) => n + p.length, 0);
    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafe(Math.max(size, 2 * BATCH_BYTES));
    let offset = 0;
    for (const part of parts) {
      this.scratch.set(part, offset);
      offset += part.length;
    }
    return this.scratch.subarray(0, size);
  }

  async drain(): Promise<ItemResult[]> {
    await this.flush();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    return this.done;
  }

  private async flush(): Promise<void> {
    if (this.items.length === 0) return;
    const { chunks, items, itemParts } = this;
    this.chunks = [];
    this.items = [];
    this.itemParts = [];
    this.bytes = 0;
    throwIfAborted(this.signal);
    if (this.failure) throw this.failure;
    const pool = this.pool.current();
    const full = () => pool !== undefined && this.inFlight.size >= pool.workers * 2;
    if (!this.helps) while (full()) await Promise.race(this.inFlight);
    if (!pool || full()) {
      // Scanned here: each text from its own bytes, joined (into the scratch buffer) only when in pieces.
      for (const [i, item] of items.entries())
        this.done.push(await scanItem(this.whole(itemParts[i]!), item));
      return;
    }
    const job: Promise<void> = pool
      .scan(chunks, items)
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
