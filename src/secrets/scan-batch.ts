/**
 * The unit of work handed to a worker: many small texts packed into one buffer, so a batch crosses
 * the thread boundary as one copy instead of thousands of messages.
 */
import { type RawFinding, scanText } from "./engine.js";

export interface BatchItem {
  /** Caller's key for the item (a blob id). */
  key: string;
  path: string;
  start: number;
  end: number;
}

export interface ItemResult {
  key: string;
  findings: RawFinding[];
  reachedEngine: boolean;
}

const decoder = new TextDecoder("utf-8");

export async function scanBatch(buffer: ArrayBuffer, items: readonly BatchItem[]): Promise<ItemResult[]> {
  const bytes = new Uint8Array(buffer);
  const results: ItemResult[] = [];
  for (const item of items) {
    const text = decoder.decode(bytes.subarray(item.start, item.end));
    const { findings, reachedEngine } = await scanText(text, item.path);
    results.push({ key: item.key, findings, reachedEngine });
  }
  return results;
}
