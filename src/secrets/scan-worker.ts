/**
 * The worker side of the pool. This module is imported by worker-pool.ts, so in a single-file
 * bundle (dist/cli.js, dist/server.js) its body runs before the entry's own code. A worker started
 * on the bundle file with our role in workerData serves scan requests here and then awaits forever,
 * which holds the rest of the bundle (the CLI or the MCP server) from starting inside the worker.
 * From TypeScript source the pool loads this file directly, with tsx registered first.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { type BatchItem, scanBatch } from "./scan-batch.js";

export const SCAN_WORKER_ROLE = "amplihack-remote:secret-scan";

export interface ScanRequest {
  id: number;
  buffer: ArrayBuffer;
  items: BatchItem[];
}

/** True inside a scan worker; an entry point may check it to skip its own start-up. */
export function isScanWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === SCAN_WORKER_ROLE;
}

if (isScanWorker() && parentPort) {
  const port = parentPort;
  port.on("message", async (request: ScanRequest) => {
    try {
      const results = await scanBatch(request.buffer, request.items);
      // The buffer goes back for the next batch (worker-pool.ts), moved, not copied.
      port.postMessage({ id: request.id, results, buffer: request.buffer }, [request.buffer]);
    } catch (err) {
      port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  port.postMessage({ ready: true });
  await new Promise<never>(() => {});
}
