/**
 * Entry point of the MCP stdio server (bundled to dist/server.js, which .mcp.json launches).
 * stdout belongs to JSON-RPC alone: anything else that would print there goes to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { isScanWorker } from "../core/app/kit.js";
import { runAsLaunchWorker } from "../core/launch/worker.js";
import { createServer } from "./server.js";

/** A library that logs with console.log must not corrupt the protocol stream. */
function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

async function main(): Promise<void> {
  keepStdoutForProtocol();
  // A failure in one call's background work must not take down the server and every other call.
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(
      `amplihack-remote MCP server: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
    );
  });
  const server = createServer();
  await server.connect(new StdioServerTransport());
}

// In a single-file bundle a scan worker re-enters this file; it must not start a second server.
// Nor must a launch worker (a detached start's acquire/upload/start), which re-enters it by argv.
if (!isScanWorker() && !runAsLaunchWorker(process.argv)) {
  main().catch((err) => {
    process.stderr.write(
      `amplihack-remote MCP server failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  });
}
