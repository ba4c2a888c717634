/**
 * Large text is scanned in windows that overlap, so there is no size above which content goes
 * unscanned and no window is ever much larger than WINDOW_BYTES (the rules and secretlint see
 * bounded strings). A window ends after a newline where it can and the next one starts at the line
 * that begins OVERLAP_BYTES before that end, so a secret (a PEM block of a 4096-bit key is ~3.3 KB)
 * that straddles a boundary is whole in one of the two. Findings in the overlap are reported by
 * both windows at the same line and column and are deduplicated by the caller.
 */

export const WINDOW_BYTES = 1024 * 1024;
export const OVERLAP_BYTES = 16 * 1024;

export interface TextWindow {
  start: number;
  end: number;
  /** 1-based line number of the window's first line in the whole text. */
  firstLine: number;
  /** Bytes of the first line that lie before `start` (non-zero only when a line was cut). */
  firstColumnShift: number;
}

export function textWindows(
  content: Uint8Array,
  windowBytes = WINDOW_BYTES,
  overlapBytes = OVERLAP_BYTES,
): TextWindow[] {
  const windows: TextWindow[] = [];
  let start = 0;
  let firstLine = 1;
  let shift = 0;
  for (;;) {
    let end = Math.min(content.length, start + windowBytes);
    if (end < content.length) {
      const nl = content.lastIndexOf(0x0a, end - 1);
      // Prefer whole lines; a window of one enormous line (minified code) is cut hard.
      if (nl + 1 > start + 2 * overlapBytes) end = nl + 1;
    }
    windows.push({ start, end, firstLine, firstColumnShift: shift });
    if (end >= content.length) return windows;
    let next = content.lastIndexOf(0x0a, end - overlapBytes - 1) + 1;
    if (next <= start) next = end - overlapBytes;
    const lineStart = content.lastIndexOf(0x0a, next - 1) + 1;
    shift = next - lineStart;
    firstLine += countNewlines(content, start, next);
    start = next;
  }
}

function countNewlines(content: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = content.indexOf(0x0a, from); i !== -1 && i < to; i = content.indexOf(0x0a, i + 1)) n++;
  return n;
}
