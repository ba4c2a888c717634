/**
 * The front end's conversation with the client until the full server takes over. It answers
 * initialize, tools/list, ping and methods the full server has no handler for from the build-time
 * snapshot (answers.ts), so a client has its tools before the SDK, zod or any handler is even
 * parsed; the first message it does not serve (a tools/call, a cancellation, anything malformed)
 * loads the full server and hands the connection over, and so does a quiet moment after tools/list (preload), so that the first call
 * does not wait for the load.
 *
 * Handover keeps the order of everything: the messages the SDK must know about (the client's
 * initialize and initialized) are replayed into it first, then every line that came while it was
 * loading, then each new line as it comes. From then on the front end only carries lines.
 */
import type { Readable, Writable } from "node:stream";
import { step } from "./answers.js";
import type { CoreModule, LineSink } from "./handover.js";
import { LineReader } from "./line-reader.js";
import type { FrontSnapshot } from "./snapshot.js";

export interface FrontOptions {
  snapshot: FrontSnapshot;
  stdin: Readable;
  stdout: Writable;
  loadCore(): Promise<CoreModule>;
  /** How long stdin must stay quiet after tools/list before the full server is loaded anyway; null: never. */
  preloadIdleMs: number | null;
  /** The full server could not be loaded: nothing can answer the client any more. */
  onLoadFailure(error: unknown): void;
}

export function startFront(options: FrontOptions): void {
  const { snapshot, stdin, stdout } = options;
  const reader = new LineReader(snapshot.maxBufferSize);
  const replay: object[] = [];
  /** Lines read while the full server loads, in order. */
  const waiting: string[] = [];
  let readFailure: Error | null = null;
  let sink: LineSink | null = null;
  let loading = false;
  let preload: NodeJS.Timeout | undefined;

  const stopReading = () => {
    stdin.off("data", onData);
    if (stdin.listenerCount("data") === 0) stdin.pause();
  };

  const handOver = () => {
    clearTimeout(preload);
    if (loading) return;
    loading = true;
    options
      .loadCore()
      .then((core) => core.acceptHandover({ replay, stdout, onClose: stopReading }))
      .then((accepted) => {
        for (const line of waiting.splice(0)) accepted.receive(line);
        if (readFailure) accepted.fail(readFailure);
        sink = accepted;
      }, options.onLoadFailure);
  };

  const onLine = (line: string) => {
    if (sink) return sink.receive(line);
    if (loading) return void waiting.push(line);
    const next = step(snapshot, line);
    if (next.kind === "core") {
      waiting.push(line);
      return handOver();
    }
    if (next.kind === "drop") return;
    if (next.replay) replay.push(next.replay);
    if (next.kind === "answer") {
      stdout.write(`${JSON.stringify(next.response)}\n`);
      if (next.method === "tools/list" && options.preloadIdleMs !== null) {
        // Unref'd: a client that closes stdin now must not wait for a load it no longer needs.
        preload = setTimeout(handOver, options.preloadIdleMs).unref();
      }
    }
  };

  function onData(chunk: Buffer) {
    // Quiet means quiet: a message that comes before the preload fires pushes it back.
    if (preload && !loading) preload.refresh();
    let lines: string[];
    try {
      lines = reader.push(chunk);
    } catch (err) {
      // As StdioServerTransport: report (to nobody, before the SDK is here) and close.
      const error = err instanceof Error ? err : new Error(String(err));
      if (sink) return sink.fail(error);
      if (loading) readFailure = error;
      return stopReading();
    }
    for (const line of lines) onLine(line);
  }

  stdin.on("data", onData);
  // The SDK's transport hands stdin errors to an error handler our server never sets, and reads
  // on; without a listener an error event would throw.
  stdin.on("error", () => {});
}
