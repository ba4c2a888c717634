/**
 * The full server's transport after a handover from the front end (front/front.ts): the front end
 * owns stdin and passes each line here; messages go out on stdout. It reads and writes exactly as
 * the SDK's StdioServerTransport does, with the SDK's own deserializeMessage/serializeMessage, so
 * a client cannot tell the two apart. Messages replayed from the front end (the client's
 * initialize, already answered) reach the server under ids of their own, and the server's answers
 * to those ids are dropped.
 */
import type { Writable } from "node:stream";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { LineSink } from "./front/handover.js";

/** No client id looks like this (ids are the client's: numbers, or its own strings). */
const REPLAY_ID_PREFIX = "amplihack-remote/front-end-replay/";

export class LineTransport implements Transport, LineSink {
  onmessage?: Transport["onmessage"];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly replayIds = new Set<string>();
  private replayed = 0;

  constructor(
    private readonly stdout: Writable,
    private readonly onClosed: () => void,
  ) {}

  async start(): Promise<void> {}

  /** As StdioServerTransport.processReadBuffer: a line that is not a JSON-RPC message is reported and skipped. */
  receive(line: string): void {
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    this.onmessage?.(message);
  }

  /** A message the front end already answered: the server sees it, the client never sees its answer. */
  replay(message: object): void {
    const copy = { ...message } as JSONRPCMessage & { id?: string | number };
    if ("id" in copy) {
      copy.id = `${REPLAY_ID_PREFIX}${++this.replayed}`;
      this.replayIds.add(copy.id);
    }
    this.onmessage?.(copy);
  }

  /** As StdioServerTransport's data handler when reading fails: report, then close. */
  fail(error: Error): void {
    this.onerror?.(error);
    this.close().catch(() => {});
  }

  async close(): Promise<void> {
    this.onClosed();
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if ("id" in message && typeof message.id === "string" && this.replayIds.delete(message.id)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      if (this.stdout.write(serializeMessage(message))) resolve();
      else this.stdout.once("drain", resolve);
    });
  }
}
