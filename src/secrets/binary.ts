/**
 * Binary content is not skipped: a key pasted into a SQLite database, a keystore or a compiled
 * file ships as readable bytes. Like `strings`, we keep the runs of printable ASCII long enough to
 * hold a credential and scan those with the provider rules, one run per line.
 */

/** How git itself decides: a NUL byte in the first 8 KB means binary (xdiff's buffer_is_binary). */
export const BINARY_SNIFF_BYTES = 8000;

/** Shorter runs cannot hold any token our rules know (the shortest provider tokens are ~20 chars). */
export const MIN_RUN = 8;

export function looksBinary(content: Uint8Array): boolean {
  return looksBinaryPieces([content]);
}

/** `looksBinary` of the pieces' bytes one after another, without joining them. */
export function looksBinaryPieces(parts: readonly Uint8Array[]): boolean {
  let left = BINARY_SNIFF_BYTES;
  for (const part of parts) {
    if (left <= 0) return false;
    if (part.subarray(0, left).indexOf(0) !== -1) return true;
    left -= part.length;
  }
  return false;
}

/** The printable runs (0x20-0x7e and tab) of at least MIN_RUN bytes, each ended by a newline. */
export function printableRuns(content: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(content.length + 1);
  let written = 0;
  let runStart = -1;
  const end = content.length;
  for (let i = 0; i <= end; i++) {
    const b = i < end ? content[i]! : 0;
    const printable = (b >= 0x20 && b <= 0x7e) || b === 0x09;
    if (printable) {
      if (runStart === -1) runStart = i;
      continue;
    }
    if (runStart !== -1 && i - runStart >= MIN_RUN) {
      out.set(content.subarray(runStart, i), written);
      written += i - runStart;
      out[written++] = 0x0a;
    }
    runStart = -1;
  }
  return out.subarray(0, written);
}
