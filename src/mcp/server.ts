/**
 * The MCP server: every tool, registered through one wrapper, over the core library. Transport
 * agnostic: main.ts connects it to stdio, tests to an in-memory pair.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { VERSION } from "../version.js";
import { type ContextOptions, createContext } from "./context.js";
import { type AnyToolSpec, registerTools } from "./define-tool.js";
import { explainInvalidArguments } from "./input-errors.js";
import { cleanupVms } from "./tools/cleanup-vms.js";
import { listVms } from "./tools/list-vms.js";
import { remoteExecute } from "./tools/remote-execute.js";
import { remoteKill } from "./tools/remote-kill.js";
import { remoteOutput } from "./tools/remote-output.js";
import { remoteStatus } from "./tools/remote-status.js";
import { retrieveResults } from "./tools/retrieve-results.js";
import { scanSecrets } from "./tools/scan-secrets.js";

export const TOOLS: readonly AnyToolSpec[] = [
  remoteExecute,
  remoteStatus,
  remoteOutput,
  retrieveResults,
  remoteKill,
  listVms,
  cleanupVms,
  scanSecrets,
];

/** Read by clients at initialize: how the tools fit together. */
const INSTRUCTIONS = [
  "amplihack-remote runs an agent task on a remote Azure VM (target azlin) or a local sandbox (target local) and brings the agent's commits home as git refs under refs/remotes/remote-exec/.",
  "Typical flow: remote_execute starts a detached run and returns its runId; call remote_status with waitSeconds (it returns when the run moves on, so there is no need to sleep) and show remote_output; when the run has finished, retrieve_results (idempotent) returns the summary and the `git merge remote-exec/<branch>` commands.",
  "Nothing here touches the user's working tree, index or branches. scan_secrets shows what would ship and whether a secret blocks it, without provisioning anything. list_vms and cleanup_vms (a dry run unless dryRun is false) manage the VMs this tool made.",
].join("\n");

export function createServer(options: ContextOptions = {}): McpServer {
  const server = new McpServer(
    { name: "amplihack-remote", title: "amplihack remote", version: VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  explainInvalidArguments(server);
  registerTools(server, createContext(options), TOOLS);
  return server;
}
