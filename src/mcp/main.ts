/**
 * The full MCP server, bundled to dist/server-core.js. The plugin starts the front end
 * (dist/server.js, src/mcp/front/), which answers the client's first messages from a build-time
 * snapshot and loads this file with a dynamic import when a message needs the real server
 * (acceptHandover). Run directly (`node dist/server-core.js`) it serves stdio by itself: the
 * server without a front end, which the tests compare the front end's answers against.
 * stdout belongs to JSON-RPC alone: anything else that would print there goes to stderr.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { isScanWorker } from "../core/app/kit.js";
import { runAsLaunchWorker } from "../core/launch/worker.js";
import { isEntryPoint } from "../util/entry-point.js";
import type { Handover, LineSink } from "./front/handover.js";
import { LineTransport } from "./line-transport.js";
import { createServer } from "./server.js";

// What the build reads from this bundle to write the front end's snapshot: the SDK's own constants,
// from the very copy of the SDK bundled here (scripts/mcp-front-snapshot.mjs).
export { STDIO_DEFAULT_MAX_BUFFER_SIZE } from "@modelcontextprotocol/sdk/shared/stdio.js";
export { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
export { createServer };

/** A library that logs with console.log must not corrupt the protocol stream. */
function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

let guarded = false;

/** Once per process, however many servers it connects (tests connect many). */
function guardProcess(): void {
  if (guarded) return;
  guarded = true;
  keepStdoutForProtocol();
  // A failure in one call's background work must not take down the server and every other call.
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(
      `amplihack-remote MCP server: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
    );
  });
}

async function serve(transport: Transport, server: McpServer = createServer()): Promise<void> {
  guardProcess();
  await server.connect(transport);
}

/**
 * The front end's handover: the server on a transport fed with the front end's stdin lines.
 * `server` is for tests, which look at what the SDK learnt from the replayed initialize.
 */
export async function acceptHandover(handover: Handover, server?: McpServer): Promise<LineSink> {
  const transport = new LineTransport(handover.stdout, handover.onClose);
  await serve(transport, server);
  for (const message of handover.replay) transport.replay(message);
  return transport;
}

// In a single-file bundle a scan worker re-enters this file; it must not start a second server.
// Nor must a launch worker (a detached start's acquire/upload/start), which re-enters it by argv.
// Imported by the front end (or by the build), it waits to be handed a connection.
if (!isScanWorker() && !runAsLaunchWorker(process.argv) && isEntryPoint(import.meta.url)) {
  serve(new StdioServerTransport()).catch((err) => {
    process.stderr.write(
      `amplihack-remote MCP server failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  });
}
