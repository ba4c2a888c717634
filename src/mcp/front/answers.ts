/**
 * What the front end does with one line of stdin before the full server is loaded: answer it from
 * the snapshot (initialize, tools/list, ping, and "Method not found" for a method the full server
 * has no handler for), keep it for the SDK to see later (initialize and notifications/initialized),
 * drop it as the SDK's reader would (not JSON), or hand it over (tools/call, other notifications,
 * responses, anything the checks of well-formed.ts are not sure of).
 *
 * Claude Code (2.1.330) opens with a `server/discover` probe, which the SDK does not serve:
 * answering it here is what lets a Claude Code session have its tools without the full load.
 */
import type { FrontSnapshot } from "./snapshot.js";
import { type Message, servedMessage } from "./well-formed.js";

export type Step =
  /** Write `response`; `replay`: the SDK must see this message once it is loaded. */
  | { kind: "answer"; response: object; replay?: Message; method: string }
  /** Nothing to write; the SDK must see the message once it is loaded. */
  | { kind: "replay"; replay: Message }
  /** Not JSON: the SDK's stdio reader reports it to an error handler we never set, and reads on. */
  | { kind: "drop" }
  /** Anything else is the full server's to answer. */
  | { kind: "core" };

/** The SDK's Server._oninitialize: the client's version when supported, else the latest. */
export function negotiate(snapshot: FrontSnapshot, requested: string): string {
  return snapshot.protocolVersions.includes(requested) ? requested : snapshot.latestProtocolVersion;
}

/** A JSON-RPC result and error as the SDK's Protocol builds them (same key order, so the bytes match too). */
const resultFor = (id: string | number | undefined, result: object) => ({ result, jsonrpc: "2.0", id });
const errorFor = (id: string | number | undefined, error: object) => ({ jsonrpc: "2.0", id, error });

export function step(snapshot: FrontSnapshot, line: string): Step {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: "drop" };
  }
  const message = servedMessage(value);
  if (!message) return { kind: "core" };
  // The one notification servedMessage lets through: notifications/initialized.
  if (message.id === undefined) return { kind: "replay", replay: message };
  switch (message.method) {
    case "initialize": {
      const protocolVersion = negotiate(snapshot, String(message.params?.protocolVersion));
      const response = resultFor(message.id, { protocolVersion, ...snapshot.initialize });
      return { kind: "answer", response, replay: message, method: message.method };
    }
    case "tools/list":
      return { kind: "answer", response: resultFor(message.id, snapshot.toolsList), method: message.method };
    case "ping":
      return { kind: "answer", response: resultFor(message.id, {}), method: message.method };
    default:
      if (snapshot.methods.includes(message.method)) return { kind: "core" };
      return {
        kind: "answer",
        response: errorFor(message.id, snapshot.unknownMethod),
        method: message.method,
      };
  }
}
