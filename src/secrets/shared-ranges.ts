/**
 * Where a new version of a file repeats bytes of an older one. A history holds each file many
 * times over with a few lines changed between versions; the keyword prefilter (prefilter.ts) costs
 * a table lookup per byte, and what it found in the repeated bytes of the older version holds for
 * the new one (keyword-memo.ts). Found with native comparisons (Buffer.compare, Buffer.indexOf),
 * so finding them costs far less per byte than the prefilter they spare: the common prefix and
 * suffix, then, between them, a short anchor from the middle of the new bytes looked for near the
 * same relative place in the old ones and grown both ways, recursively. Not a minimal diff: a
 * range it misses is simply scanned again.
 *
 * Generated text repeats itself (TypeDoc pages, minified code): an anchor of 32 bytes of markup
 * occurs many times near its place, and the first occurrence is often not the one that lines up.
 * So several occurrences are grown and the longest kept, and when the middle anchor finds nothing
 * long (it sits in a changed stretch), anchors elsewhere in the middle are tried. The extra
 * searches are bounded per comparison, so a rewritten text costs little more than before.
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
/** Where in a middle anchors are taken, in order (eighths of it): the middle, then around it. */
const ANCHOR_PLACES = [4, 2, 6, 1, 7, 3, 5];
/** Occurrences of one anchor near its place that are grown, at most. */
const OCCURRENCES = 8;
/** A match this long lines up: taken without looking further. */
const GOOD_MATCH = 1024;
/** Searches beyond the first one per middle, per this many bytes of the new content. */
const BYTES_PER_SEARCH = 2048;
const MIN_SEARCHES = 16;

/**
 * Ranges of `now` equal to ranges of `old`, in order, disjoint, each at least `minLength` long
 * (shorter matches are left out; the caller scans them).
 */
export function sharedRanges(old: Buffer, now: Buffer, minLength: number): SharedRange[] {
  const ranges: SharedRange[] = [];
  const budget = { searches: Math.max(MIN_SEARCHES, Math.floor(now.length / BYTES_PER_SEARCH)) };
  between(old, 0, old.length, now, 0, now.length, Math.max(minLength, ANCHOR), ranges, budget);
  return ranges;
}

interface Budget {
  /** Anchor searches left beyond the first one of each middle. */
  searches: number;
}

interface Match {
  /** The anchor's offset in the new content and where it was found in the old. */
  at: number;
  oldAt: number;
  /** Equal bytes before and from the anchor. */
  back: number;
  ahead: number;
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
  budget: Budget,
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
    const match = anchorMatch(old, a0, a1, now, b0, b1, budget);
    if (match && match.back + match.ahead >= minLength) {
      const { at, oldAt, back, ahead } = match;
      between(old, a0, oldAt - back, now, b0, at - back, minLength, into, budget);
      into.push({ from: at - back, to: at + ahead, oldFrom: oldAt - back });
      between(old, oldAt + ahead, a1, now, at + ahead, b1, minLength, into, budget);
    }
  }
  if (keepTail) into.push({ from: b1, to, oldFrom: a1 });
}

/**
 * The longest equal stretch through an anchor of now[b0, b1) found near its proportional place in
 * old[a0, a1): anchors at ANCHOR_PLACES in turn, each looked for up to OCCURRENCES times, until a
 * match reaches GOOD_MATCH or the budget runs out (then only the first occurrence of the middle
 * anchor is tried, as a single search).
 */
function anchorMatch(
  old: Buffer,
  a0: number,
  a1: number,
  now: Buffer,
  b0: number,
  b1: number,
  budget: Budget,
): Match | undefined {
  let best: Match | undefined;
  for (const eighth of ANCHOR_PLACES) {
    const at = Math.min(b1 - ANCHOR, b0 + Math.floor(((b1 - b0) * eighth) / 8));
    const expected = a0 + Math.round(((at - b0) * (a1 - a0)) / (b1 - b0));
    const lo = Math.max(a0, expected - SEARCH_REACH);
    const hi = Math.min(a1, expected + SEARCH_REACH + ANCHOR);
    const window = old.subarray(lo, hi);
    const anchor = now.subarray(at, at + ANCHOR);
    let found = window.indexOf(anchor);
    for (let n = 1; found !== -1; n++) {
      const oldAt = lo + found;
      const back = backward(old, oldAt, now, at, Math.min(oldAt - a0, at - b0));
      const ahead = forward(old, oldAt, now, at, Math.min(a1 - oldAt, b1 - at));
      if (!best || back + ahead > best.back + best.ahead) best = { at, oldAt, back, ahead };
      if (best.back + best.ahead >= GOOD_MATCH || n >= OCCURRENCES || budget.searches <= 0) break;
      budget.searches--;
      found = window.indexOf(anchor, found + 1);
    }
    if ((best && best.back + best.ahead >= GOOD_MATCH) || budget.searches <= 0) break;
    budget.searches--;
  }
  return best;
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
