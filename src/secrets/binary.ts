/** How git itself decides: a NUL byte in the first 8 KB means binary (xdiff's buffer_is_binary). */
export const BINARY_SNIFF_BYTES = 8000;

export function looksBinary(content: Uint8Array): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) !== -1;
}
