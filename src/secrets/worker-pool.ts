/**
 * Runs scan batches on worker threads, so the scan uses every core and secretlint's per-process
 * state stays out of a long-lived MCP server; falls back to the calling thread when a worker
 * cannot start or dies, so a scan never fails for want of a thread.
 *
 * Where the worker's code comes from depends on how we are running:
 * - TypeScript source (vitest, tsx): Node 20 cannot load .ts in a worker and a worker does not
 *   inherit the parent's --import hooks, so the worker is a small eval'd bootstrap that registers
 *   tsx and then imports scan-worker.ts.
 * - compiled but unbundled: scan-worker.js next to this file.
 * - a single-file bundle: the bundle itself, re-entered with our role in workerData; scan-worker's
 *   top-level code serves requests and holds the rest of the bundle (see scan-worker.ts).
 */
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { BatchItem, ItemResult } from "./scan-batch.js";
import { scanBatch } from "./scan-batch.js";
import { SCAN_WORKER_ROLE, type ScanRequest } from "./scan-worker.js";

export interface ScanPool {
  /** Threads actually serving requests; 0 means everything runs on the calling thread. */
  readonly workers: number;
  /**
   * Scans `items` over the bytes of `parts` joined (each item's start and end are offsets into
   * them). The joined copy is moved to the worker, not cloned; `parts` are kept until the results
   * come back, so a batch whose worker died is scanned again here.
   */
  scan(parts: readonly Uint8Array[], items: BatchItem[]): Promise<ItemResult[]>;
  close(): Promise<void>;
}

export interface PoolOptions {
  workers: number;
  /** How long a worker may take to load before we give up on it. */
  startTimeoutMs?: number;
  /** Why the pool fell back to the calling thread, for progress output. */
  onNote?: (message: string) => void;
  /** Start something else as the worker (tests use it to prove the fallbacks). */
  launch?: Launch;
}

interface Pending {
  resolve: (results: ItemResult[]) => void;
  reject: (err: Error) => void;
  parts: readonly Uint8Array[];
  items: BatchItem[];
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  alive: boolean;
}

const inProcess: ScanPool = {
  workers: 0,
  scan: (parts, items) => scanBatch(joined(parts), items),
  close: async () => {},
};

export function inProcessPool(): ScanPool {
  return inProcess;
}

export async function createScanPool(options: PoolOptions): Promise<ScanPool> {
  if (options.workers <= 0) return inProcess;
  const launch = options.launch ?? workerLaunch();
  const started = await Promise.all(
    Array.from({ length: options.workers }, () => startWorker(launch, options.startTimeoutMs ?? 20_000)),
  );
  const slots = started.filter((s): s is Slot => typeof s !== "string");
  const failures = started.filter((s): s is string => typeof s === "string");
  if (slots.length === 0) {
    options.onNote?.(`secret scan runs on the main thread (worker did not start: ${failures[0]})`);
    return inProcess;
  }
  let nextId = 1;
  const spare = new SpareBuffers();

  for (const slot of slots) {
    slot.worker.on(
      "message",
      (msg: { id: number; results?: ItemResult[]; error?: string; buffer?: ArrayBuffer }) => {
        if (msg.buffer) spare.put(msg.buffer);
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        if (msg.results) p.resolve(msg.results);
        else p.reject(new Error(`secret scan worker failed: ${msg.error}`));
      },
    );
    const orphan = (why: string) => {
      if (!slot.alive) return;
      slot.alive = false;
      options.onNote?.(`secret scan worker stopped (${why}); finishing on the main thread`);
      // The joined copy went to the worker; the parts it was made of are still here.
      for (const p of slot.pending.values()) scanBatch(joined(p.parts), p.items).then(p.resolve, p.reject);
      slot.pending.clear();
    };
    slot.worker.on("error", (err) => orphan(err.message));
    slot.worker.on("exit", (code) => orphan(`exit ${code}`));
  }

  return {
    workers: slots.length,
    scan(parts, items) {
      const live = slots.filter((s) => s.alive);
      if (live.length === 0) return scanBatch(joined(parts), items);
      const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<ItemResult[]>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject, parts, items });
        const buffer = spare.filledWith(parts);
        const request: ScanRequest = { id, buffer, items };
        // Transferred: a structured clone would copy the batch twice more (out of this heap, into the worker's).
        slot.worker.postMessage(request, [buffer]);
      });
    },
    async close() {
      await Promise.all(
        slots.map(async (s) => {
          s.alive = false;
          await s.worker.terminate();
        }),
      );
    },
  };
}

function joined(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/**
 * Batch buffers going round: moved to a worker with a batch and moved back with its results, so in
 * a long scan no batch allocates. Fresh 1 MB allocations cost page faults on first touch and, as
 * external memory, drive the garbage collector; reused buffers cost neither.
 */
class SpareBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** A buffer holding `parts` one after another from offset 0 (it may be longer than they are). */
  filledWith(parts: readonly Uint8Array[]): ArrayBuffer {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const at = this.free.findIndex((b) => b.byteLength >= length);
    const buffer =
      at === -1 ? new ArrayBuffer(Math.max(length, MIN_BATCH_BUFFER)) : this.free.splice(at, 1)[0]!;
    const view = new Uint8Array(buffer);
    let offset = 0;
    for (const part of parts) {
      view.set(part, offset);
      offset += part.length;
    }
    return buffer;
  }

  put(buffer: ArrayBuffer): void {
    if (this.free.length < MAX_SPARE_BUFFERS) this.free.push(buffer);
  }
}

/** A batch is 1 MB and one text more (scan.ts), so 2 MB fits nearly all; two per worker, up to 3 workers. */
const MIN_BATCH_BUFFER = 2 * 1024 * 1024;
const MAX_SPARE_BUFFERS = 8;

export interface Launch {
  filename: string;
  options: WorkerOptions;
}

function workerLaunch(): Launch {
  const here = fileURLToPath(import.meta.url);
  // stdout/stderr: true keeps anything a worker prints away from our stdout (the MCP channel).
  const base: WorkerOptions = { workerData: { role: SCAN_WORKER_ROLE }, stdout: true, stderr: true };
  if (here.endsWith(".ts")) {
    const target = pathToFileURL(join(dirname(here), "scan-worker.ts")).href;
    const code = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return { filename: code, options: { ...base, eval: true } };
  }
  if (basename(here) === "worker-pool.js") {
    return { filename: join(dirname(here), "scan-worker.js"), options: base };
  }
  return { filename: here, options: base };
}

/** tsx's ESM register API; its "require" export is a CommonJS shim that cannot be imported from a worker. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("tsx/package.json");
  const manifest = require(manifestPath) as { exports: Record<string, { import?: { default?: string } }> };
  const entry = manifest.exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}

function startWorker(launch: Launch, timeoutMs: number): Promise<Slot | string> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(launch.filename, launch.options);
    } catch (err) {
      resolve(err instanceof Error ? err.message : String(err));
      return;
    }
    worker.stdout?.resume();
    let stderrTail = "";
    worker.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    const fail = (why: string) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      worker.terminate().catch(() => {});
      resolve(stderrTail ? `${why}: ${stderrTail.trim()}` : why);
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    worker.once("error", (err) => fail(err.message));
    worker.once("exit", (code) => fail(`exited with ${code}`));
    worker.once("message", (msg: { ready?: boolean }) => {
      if (!msg?.ready) return fail("unexpected first message");
      clearTimeout(timer);
      worker.removeAllListeners("error");
      worker.removeAllListeners("exit");
      resolve({ worker, pending: new Map(), alive: true });
    });
  });
}
