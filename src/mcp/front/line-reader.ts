/**
 * Splits stdin into lines exactly as the SDK's stdio transport does (shared/stdio.js ReadBuffer):
 * on "\n", one trailing "\r" dropped, decoded as UTF-8 per line (so a character split across
 * chunks stays whole), and the same limit on what may wait for its newline.
 */
export class LineReader {
  private buffer: Buffer | undefined;

  constructor(private readonly maxBufferSize: number) {}

  /** The lines completed by `chunk`. Throws (and forgets what it held) past the limit, as the SDK does. */
  push(chunk: Buffer): string[] {
    if ((this.buffer?.length ?? 0) + chunk.length > this.maxBufferSize) {
      this.buffer = undefined;
      throw new Error(`ReadBuffer exceeded maximum size of ${this.maxBufferSize} bytes`);
    }
    let buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    const lines: string[] = [];
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10)) {
      lines.push(buffer.toString("utf8", 0, at).replace(/\r$/, ""));
      buffer = buffer.subarray(at + 1);
    }
    this.buffer = buffer;
    return lines;
  }
}
