/**
 * What the front end does with one line of stdin before the full server is loaded: answer it from
 * the snapshot (initialize, tools/list, ping), keep it for the SDK to see later (initialize and
 * notifications/initialized), drop it as the SDK's reader would (not JSON), or hand it over.
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

/** A JSON-RPC result as the SDK's Protocol builds it (same key order, so the bytes match too). */
const resultFor = (id: string | number | undefined, result: object) => ({ result, jsonrpc: "2.0", id });

export function step(snapshot: FrontSnapshot, line: string): Step {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: "drop" };
  }
  const message = servedMessage(value);
  if (!message) return { kind: "core" };
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
    case "notifications/initialized":
      return { kind: "replay", replay: message };
    default:
      return { kind: "core" };
  }
}
