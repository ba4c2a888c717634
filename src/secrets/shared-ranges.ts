/**
 * Where a new version of a file repeats bytes of an older one. A history holds each file many
 * times over with a few lines changed between versions; the keyword prefilter (prefilter.ts) costs
 * a table lookup per byte, and what it found in the repeated bytes of the older version holds for
 * the new one (keyword-memo.ts). Found with native comparisons (Buffer.compare, Buffer.indexOf),
 * so finding them costs far less per byte than the prefilter they spare: the common prefix and
 * suffix, then, between them, a short anchor from the middle of the new bytes looked for near the
 * same relative place in the old ones and grown both ways, recursively. Not a minimal diff: a
 * range it misses is simply scanned again.
 */

/** A range of the new content, [from, to), equal to the old content's [oldFrom, oldFrom + to - from). */
export interface SharedRange {
  from: number;
  to: number;
  oldFrom: number;
}

/** Bytes of an anchor: long enough to be rare in source code, short enough to land between edits. */
const ANCHOR = 32;
/** A middle shorter than this is cheaper to scan than to search. */
const MIN_MIDDLE = 1024;
/** How far from its proportional place in the old content an anchor is looked for. */
const SEARCH_REACH = 8 * 1024;
/** Comparisons start at this many bytes and double while they match. */
const FIRST_STEP = 64;

/**
 * Ranges of `now` equal to ranges of `old`, in order, disjoint, each at least `minLength` long
 * (shorter matches are left out; the caller scans them).
 */
export function sharedRanges(old: Buffer, now: Buffer, minLength: number): SharedRange[] {
  const ranges: SharedRange[] = [];
  between(old, 0, old.length, now, 0, now.length, Math.max(minLength, ANCHOR), ranges);
  return ranges;
}

function between(
  old: Buffer,
  oldFrom: number,
  oldTo: number,
  now: Buffer,
  from: number,
  to: number,
  minLength: number,
  into: SharedRange[],
): void {
  const head = forward(old, oldFrom, now, from, Math.min(oldTo - oldFrom, to - from));
  const keepHead = head >= minLength;
  const a0 = keepHead ? oldFrom + head : oldFrom;
  const b0 = keepHead ? from + head : from;
  const tail = backward(old, oldTo, now, to, Math.min(oldTo - a0, to - b0));
  const keepTail = tail >= minLength;
  const a1 = keepTail ? oldTo - tail : oldTo;
  const b1 = keepTail ? to - tail : to;
  if (keepHead) into.push({ from, to: b0, oldFrom });
  if (b1 - b0 >= MIN_MIDDLE && a1 - a0 >= ANCHOR) {
    const at = b0 + ((b1 - b0) >> 1);
    const expected = a0 + Math.round(((at - b0) * (a1 - a0)) / (b1 - b0));
    const lo = Math.max(a0, expected - SEARCH_REACH);
    const hi = Math.min(a1, expected + SEARCH_REACH + ANCHOR);
    const found = old.subarray(lo, hi).indexOf(now.subarray(at, at + ANCHOR));
    if (found !== -1) {
      const oldAt = lo + found;
      const back = backward(old, oldAt, now, at, Math.min(oldAt - a0, at - b0));
      const ahead = forward(old, oldAt, now, at, Math.min(a1 - oldAt, b1 - at));
      if (back + ahead >= minLength) {
        between(old, a0, oldAt - back, now, b0, at - back, minLength, into);
        into.push({ from: at - back, to: at + ahead, oldFrom: oldAt - back });
        between(old, oldAt + ahead, a1, now, at + ahead, b1, minLength, into);
      }
    }
  }
  if (keepTail) into.push({ from: b1, to, oldFrom: a1 });
}

/** How many bytes from old[oldAt] and now[at] on are equal (at most `max`). */
function forward(old: Buffer, oldAt: number, now: Buffer, at: number, max: number): number {
  let n = 0;
  let step = FIRST_STEP;
  while (n < max) {
    const k = Math.min(step, max - n);
    if (old.compare(now, at + n, at + n + k, oldAt + n, oldAt + n + k) === 0) {
      n += k;
      step *= 2;
    } else if (k > FIRST_STEP) step = FIRST_STEP;
    else {
      while (old[oldAt + n] === now[at + n]) n++;
      return n;
    }
  }
  return n;
}

/** How many bytes just before old[oldAt] and now[at] are equal (at most `max`). */
function backward(old: Buffer, oldAt: number, now: Buffer, at: number, max: number): number {
  let n = 0;
  let step = FIRST_STEP;
  while (n < max) {
    const k = Math.min(step, max - n);
    if (old.compare(now, at - n - k, at - n, oldAt - n - k, oldAt - n) === 0) {
      n += k;
      step *= 2;
    } else if (k > FIRST_STEP) step = FIRST_STEP;
    else {
      while (old[oldAt - n - 1] === now[at - n - 1]) n++;
      return n;
    }
  }
  return n;
}
