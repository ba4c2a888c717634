/**
 * The unit of work handed to a worker: many small texts (or windows of a large one) packed into
 * one buffer, so a batch crosses the thread boundary as one copy instead of thousands of messages.
 */
import { type RawFinding, type ScanMode, scanContent } from "./engine.js";

export interface BatchItem {
  /** Caller's key for the item (a blob id); the windows of one text share it. */
  key: string;
  path: string;
  start: number;
  end: number;
  mode: ScanMode;
  /** Where this window starts in the whole text: its first line, and the bytes of that line before it. */
  firstLine: number;
  firstColumnShift: number;
}

export interface ItemResult {
  key: string;
  findings: RawFinding[];
  reachedEngine: boolean;
}

export async function scanBatch(
  buffer: ArrayBuffer | Uint8Array,
  items: readonly BatchItem[],
): Promise<ItemResult[]> {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const results: ItemResult[] = [];
  for (const item of items) results.push(await scanItem(bytes.subarray(item.start, item.end), item));
  return results;
}

/** One text (or window) of a batch, given its own bytes; `item.start` and `item.end` are not read. */
export async function scanItem(content: Uint8Array, item: BatchItem): Promise<ItemResult> {
  // Decoded only where the prefilter found keywords (engine.ts).
  const { findings, reachedEngine } = await scanContent(content, item.path, item.mode);
  return {
    key: item.key,
    reachedEngine,
    // Lines and columns of the whole text, so windows agree on the findings they share.
    findings: findings.map((f) => ({
      ...f,
      line: f.line + item.firstLine - 1,
      column: f.line === 1 ? f.column + item.firstColumnShift : f.column,
    })),
  };
}
