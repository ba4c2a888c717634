/**
 * The parts of a text worth running a rule over. Every match of a rule holds one of its keywords,
 * and the prefilter knows where each keyword is; a rule then only needs the lines around its
 * keywords, not the whole text. In source code most lines hold no keyword, so most bytes are never
 * decoded or matched against a regex (the generic rule alone cost more than half the scan before).
 *
 * Regions are whole lines of the UTF-8 bytes: a region starts at a line start, so a column counted
 * in the decoded region is the column in the whole text, and anchors and look-behinds see the same
 * line edges they would in the whole text. Each starts one line early, so an inline allow marker on
 * the line above a finding is seen.
 */

export interface Span {
  /** First byte that must be inside the region. */
  from: number;
  /** Last byte that must be inside the region (from <= to). */
  to: number;
  /** Who asked for it (a rule index); a region lists the tags of the spans it covers. */
  tag: number;
}

export interface Region {
  start: number;
  end: number;
  /** Each tag once, in the order first seen (a handful per region; an array allocates least). */
  tags: number[];
}

/** Spans closer than this are one span: the bytes between cost less than another region. */
const JOIN_GAP = 256;

/**
 * One span per keyword occurrence, joined where occurrences of the same tag are close (`ends` are
 * the byte offsets just past each occurrence, ascending). A source file names `token` or `key` on
 * many lines; joined, they make a few spans instead of thousands.
 */
export function spansAround(ends: readonly number[], reach: number, tag: number, into: Span[]): void {
  let last: Span | undefined;
  for (const end of ends) {
    const from = end - 1;
    if (last && from <= last.to + JOIN_GAP) {
      last.to = Math.max(last.to, from + reach);
      continue;
    }
    last = { from, to: from + reach, tag };
    into.push(last);
  }
}

/**
 * Widens each span to whole lines (from the line before `from` to the end of the line holding
 * `to`) and merges overlapping or touching ones. `spans` must be sorted by `from`.
 */
export function lineRegions(content: Uint8Array, spans: readonly Span[]): Region[] {
  const bytes = asBuffer(content);
  const regions: Region[] = [];
  let current: Region | undefined;
  for (const s of spans) {
    const to = Math.min(s.to, bytes.length - 1);
    if (current && s.from < current.end) {
      if (to >= current.end) current.end = lineEnd(bytes, to);
      addTag(current, s.tag);
      continue;
    }
    const start = previousLineStart(bytes, s.from);
    if (current && start <= current.end) {
      current.end = Math.max(current.end, lineEnd(bytes, to));
      addTag(current, s.tag);
      continue;
    }
    current = { start, end: lineEnd(bytes, to), tags: [s.tag] };
    regions.push(current);
  }
  return regions;
}

/** 1-based line numbers of region starts, counted once over the text in one forward pass. */
export function lineCounter(content: Uint8Array): (offset: number) => number {
  const bytes = asBuffer(content);
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) {
      at = 0;
      line = 1;
    }
    for (let i = bytes.indexOf(0x0a, at); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
    at = offset;
    return line;
  };
}

function addTag(region: Region, tag: number): void {
  if (!region.tags.includes(tag)) region.tags.push(tag);
}

export function asBuffer(content: Uint8Array): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.length);
}

function previousLineStart(bytes: Buffer, at: number): number {
  const lineStart = at > 0 ? bytes.lastIndexOf(0x0a, at - 1) + 1 : 0;
  return lineStart >= 2 ? bytes.lastIndexOf(0x0a, lineStart - 2) + 1 : 0;
}

function lineEnd(bytes: Buffer, at: number): number {
  const nl = bytes.indexOf(0x0a, at);
  return nl === -1 ? bytes.length : nl + 1;
}
