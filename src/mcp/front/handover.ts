/**
 * The contract between the front end (dist/server.js) and the full server it loads
 * (dist/server-core.js, entry src/mcp/main.ts). Types only: the front end imports nothing that
 * would pull the SDK into its bundle.
 */

import type { Writable } from "node:stream";

/** What the front end gives the full server when it hands the connection over. */
export interface Handover {
  /**
   * Messages the client sent that the front end answered but the SDK must still see to be in the
   * state the client believes it is in (its initialize requests and initialized notifications),
   * in the order they came. The SDK's answers to them are not sent: the client has its answers.
   */
  replay: readonly object[];
  /** Where the protocol goes out (process.stdout). */
  stdout: Writable;
  /** The server closed its transport: stop reading stdin, as StdioServerTransport.close() does. */
  onClose(): void;
}

/** Where the front end sends every later line of stdin once the full server has it. */
export interface LineSink {
  /** One line of stdin (without its newline), to be read exactly as the SDK's stdio transport reads it. */
  receive(line: string): void;
  /** Reading stdin failed (an over-long line): what StdioServerTransport does then (report, close). */
  fail(error: Error): void;
}

/** What dist/server-core.js exports for the front end. */
export interface CoreModule {
  acceptHandover(handover: Handover): Promise<LineSink>;
}
