/**
 * The keyword prefilter once per byte of history, not once per byte of every version. A history
 * holds each file many times over, most versions a few lines away from the one before; the
 * prefilter is about half of the scan's cost. Each thread remembers, for the last text it scanned
 * at a path, its bytes and the keyword occurrences in them. For the next text at that path, the
 * occurrences lying wholly inside a range it shares with the remembered one (shared-ranges.ts) are
 * taken from there, moved to their new offsets; the automaton runs afresh only over the rest, from
 * `longest - 1` bytes before each changed range to as far after it, which holds every occurrence
 * that touches changed bytes or spans the edge of a shared range. The result is the same list,
 * in the same order, as scanning the whole text (test/secrets/keyword-memo.test.ts checks it on
 * random edits): every later stage of the scan sees exactly what it saw before, so the findings,
 * their lines and their fingerprints cannot change.
 */
import type { GateHits, Gates } from "./prefilter.js";
import { asBuffer } from "./regions.js";
import { type SharedRange, sharedRanges } from "./shared-ranges.js";

/** Smaller texts are scanned whole: finding what they share costs about as much as the scan. */
const MIN_REMEMBERED_BYTES = 4 * 1024;
/** Below this share of reusable bytes, scanning the whole text is as cheap. */
const MIN_SHARED_FRACTION = 0.25;

interface Remembered<R> {
  /** What the engine kept of its scan of the text (see LastScan). */
  kept: R | undefined;
  /** Storage for the text's bytes (a little longer than the text, so the next version fits). */
  store: Buffer;
  length: number;
  /** Storage for its occurrence keys, in order. */
  keyStore: Float64Array;
  keyCount: number;
}

/** Room for a text to grow by this much before its storage is allocated again. */
const HEADROOM = 1.25;

/**
 * The text last located, against the one remembered before it under the same key: where they
 * share bytes, what the engine stored per region of that one, and where it stores this one's.
 */
export interface LastScan<R> {
  shared: readonly SharedRange[];
  /** What the engine kept of its scan of the remembered text, if anything. */
  before: R | undefined;
  /** Keeps `value` with this text, for the scan of the next one. */
  keep(value: R): void;
}

export class KeywordMemo<R = unknown> {
  /** Bytes the automaton ran over (a measure of the work this memo saves). */
  scannedBytes = 0;
  private readonly entries = new Map<string, Remembered<R>>();
  /** Set by locate() for a text it remembers, cleared for one it does not. */
  last: LastScan<R> | undefined;
  private heldBytes = 0;
  private readonly minShared: number;
  /** Where keys are collected; reused, as every allocation here was felt in the GC. */
  private found = new Float64Array(4096);
  private count = 0;
  private readonly collect = (key: number) => {
    if (this.count === this.found.length) {
      const bigger = new Float64Array(this.found.length * 2);
      bigger.set(this.found);
      this.found = bigger;
    }
    this.found[this.count++] = key;
  };

  /** `capacity`: bytes of remembered texts kept (oldest forgotten first). */
  constructor(
    private readonly gates: Gates,
    private readonly capacity: number,
  ) {
    // Shared ranges at least twice the longest literal: the rescanned stretches around changed
    // ranges then never overlap, so no occurrence is counted twice.
    this.minShared = Math.max(64, 2 * gates.keys.longest);
  }

  /** Forgets every text (a long-lived process should not hold a finished scan's files). */
  clear(): void {
    this.entries.clear();
    this.heldBytes = 0;
    this.last = undefined;
  }

  /** Bytes of texts held now. */
  get held(): number {
    return this.heldBytes;
  }

  /** gates.locate(content), reusing what was found in the last text remembered under `key`. */
  locate(content: Uint8Array, key: string): GateHits | undefined {
    if (content.length < MIN_REMEMBERED_BYTES || this.capacity < content.length * HEADROOM) {
      this.last = undefined;
      this.scannedBytes += content.length;
      return this.gates.locate(content);
    }
    const bytes = asBuffer(content);
    const before = this.entries.get(key);
    const ranges = before ? sharedRanges(before.store.subarray(0, before.length), bytes, this.minShared) : [];
    const shared = ranges.reduce((n, r) => n + r.to - r.from, 0);
    this.count = 0;
    if (before && shared >= MIN_SHARED_FRACTION * bytes.length) this.reuse(bytes, before, ranges);
    else {
      this.scannedBytes += bytes.length;
      this.gates.occurrences(bytes, 0, bytes.length, this.collect);
    }
    const keys = this.found.subarray(0, this.count);
    const keptBefore = before?.kept;
    const entry = this.remember(key, bytes, keys, before);
    this.last = {
      shared: ranges,
      before: keptBefore,
      keep: (value) => {
        entry.kept = value;
      },
    };
    return this.gates.hitsOf(keys);
  }

  private reuse(bytes: Buffer, before: Remembered<R>, ranges: SharedRange[]): void {
    const codec = this.gates.keys;
    const old = before.keyStore.subarray(0, before.keyCount);
    for (const r of ranges) {
      const oldTo = r.oldFrom + (r.to - r.from);
      const delta = r.from - r.oldFrom;
      for (let i = firstEndingAfter(old, r.oldFrom, codec.end); i < old.length; i++) {
        const k = old[i]!;
        if (codec.end(k) > oldTo) break;
        if (codec.start(k) >= r.oldFrom) this.collect(codec.moved(k, delta));
      }
    }
    // Around each changed stretch (an empty one too, where two shared ranges meet), the
    // occurrences not wholly inside the shared range on either side, which the loop above took.
    const reach = codec.longest - 1;
    for (let g = 0; g <= ranges.length; g++) {
      const left = ranges[g - 1];
      const right = ranges[g];
      const gapFrom = left ? left.to : 0;
      const gapTo = right ? right.from : bytes.length;
      if ((!left && gapTo === 0) || (!right && gapFrom === bytes.length)) continue;
      const from = Math.max(0, gapFrom - reach);
      const to = Math.min(bytes.length, gapTo + reach);
      this.scannedBytes += to - from;
      this.gates.occurrences(bytes, from, to, (k) => {
        if (!within(left, k, codec) && !within(right, k, codec)) this.collect(k);
      });
    }
    this.found.subarray(0, this.count).sort();
  }

  /** Copied: the content is a view of a batch buffer that goes back to the pool. */
  private remember(
    key: string,
    bytes: Buffer,
    keys: Float64Array,
    entry: Remembered<R> | undefined,
  ): Remembered<R> {
    if (entry) {
      this.entries.delete(key);
      this.heldBytes -= entry.store.length;
      if (entry.store.length < bytes.length) entry.store = Buffer.allocUnsafeSlow(grown(bytes.length));
      if (entry.keyStore.length < keys.length) entry.keyStore = new Float64Array(grown(keys.length));
    } else {
      entry = {
        kept: undefined,
        store: Buffer.allocUnsafeSlow(grown(bytes.length)),
        length: 0,
        keyStore: new Float64Array(grown(keys.length)),
        keyCount: 0,
      };
    }
    bytes.copy(entry.store);
    entry.length = bytes.length;
    entry.keyStore.set(keys);
    entry.keyCount = keys.length;
    entry.kept = undefined;
    this.entries.set(key, entry);
    this.heldBytes += entry.store.length;
    for (const [k, e] of this.entries) {
      if (this.heldBytes <= this.capacity) break;
      this.entries.delete(k);
      this.heldBytes -= e.store.length;
    }
    return entry;
  }
}

function grown(length: number): number {
  return Math.ceil(length * HEADROOM);
}

function within(range: SharedRange | undefined, key: number, codec: Gates["keys"]): boolean {
  return range !== undefined && codec.start(key) >= range.from && codec.end(key) <= range.to;
}

/** Index of the first key whose occurrence ends after `offset` (keys are in order of their end). */
function firstEndingAfter(keys: Float64Array, offset: number, endOf: (k: number) => number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(keys[mid]!) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
