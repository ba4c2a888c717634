/**
 * An MCP client connected in-process to our server through the SDK's linked in-memory transports,
 * with the server's environment isolated: its own state directory, a temporary repository as the
 * project, a short poll interval.
 */

import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import type { ContextOptions } from "../../src/mcp/context.js";
import { ERROR_META_KEY } from "../../src/mcp/results.js";
import { createServer } from "../../src/mcp/server.js";
import { StateStore } from "../../src/state/store.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";
import { EVENT_WAIT_MS } from "../support/waits.js";

export { RECORDING_AGENT } from "../support/local-run.js";

export interface Connected {
  client: Client;
  repo: string;
  state: string;
  store: StateStore;
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface CallOptions {
  onprogress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function connect(
  options: { env?: Record<string, string>; heartbeatMs?: number; repo?: string } & Pick<
    ContextOptions,
    "fleet"
  > = {},
): Promise<Connected> {
  const repo = options.repo ?? makeRepo();
  const state = tempDir("ar-mcp-state-");
  const server = createServer({
    env: {
      ...process.env,
      AMPLIHACK_REMOTE_STATE_DIR: state,
      AMPLIHACK_REMOTE_POLL_SECONDS: "0.2",
      ...options.env,
    },
    cwd: repo,
    fleet: options.fleet,
    heartbeatMs: options.heartbeatMs,
  });
  const client = new Client({ name: "amplihack-remote-tests", version: "0.0.0" });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([client.connect(clientTransport), server.connect(serverTransport)]);
  return {
    client,
    repo,
    state,
    store: new StateStore(join(state, "state.json")),
    call: (name, args = {}, callOptions = {}) =>
      client.callTool({ name, arguments: args }, undefined, {
        onprogress: callOptions.onprogress,
        signal: callOptions.signal,
        // Long calls stay alive as long as progress arrives, as in Claude Code.
        timeout: EVENT_WAIT_MS,
        resetTimeoutOnProgress: true,
      }) as Promise<CallToolResult>,
    async close() {
      await client.close();
      await server.close();
      if (!options.repo) cleanup(repo);
      cleanup(state);
    },
  };
}

/** The text a person (and the model) reads. */
export function textOf(result: CallToolResult): string {
  return result.content
    .filter((c): c is { type: "text"; text: string } => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

export function errorCodeOf(result: CallToolResult): string | undefined {
  return (result._meta?.[ERROR_META_KEY] as { code?: string } | undefined)?.code;
}

/** Polls until `check` returns a value (not undefined); bounded only by the suite's safety net. */
export async function eventually<T>(check: () => Promise<T | undefined>, everyMs = 200): Promise<T> {
  const timeoutMs = EVENT_WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Where the local target keeps a run's directory (the "machine" side). */
export const localRunDir = (state: string, runId: string) =>
  join(state, "local-target", ".amplihack-remote", "runs", runId);
