/**
 * Bad arguments get the same treatment as any other error: the rule that was broken and what to
 * do, as the CLI prints them for a bad option. The SDK validates arguments before our handler
 * runs and words the failure its own way ("Input validation error: Invalid arguments for tool
 * ..."), without a remedy; this check runs first with the same zod schema and says it our way.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { z } from "zod";
import { RemoteError } from "../util/errors.js";

interface ToolWithSchema {
  inputSchema?: z.ZodType;
}

type Validate = (tool: ToolWithSchema, args: unknown, toolName: string) => Promise<unknown>;

/** Names the argument of each broken rule unless the message already does (e.g. "--max-turns"). */
function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join(".");
      return path && !issue.message.includes("--") ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

export function usageErrorFor(error: z.ZodError, toolName: string): RemoteError {
  return new RemoteError(
    "usage",
    `Invalid arguments for ${toolName}: ${describe(error)}`,
    "Fix the argument and call the tool again; nothing was started.",
  );
}

/**
 * Hooks the McpServer's argument check (a private method of SDK v1: if a later SDK renames it,
 * this does nothing and the SDK's own message, which still names the rule, is what users see).
 */
export function explainInvalidArguments(server: McpServer): void {
  const target = server as unknown as { validateToolInput?: Validate };
  const original = target.validateToolInput;
  if (typeof original !== "function") return;
  target.validateToolInput = async function (tool, args, toolName) {
    const parsed =
      typeof tool.inputSchema?.safeParseAsync === "function"
        ? await tool.inputSchema.safeParseAsync(args ?? {})
        : null;
    if (parsed && !parsed.success) {
      // A plain Error: the SDK turns its message into the isError result's text.
      throw new Error(usageErrorFor(parsed.error, toolName).toUserText());
    }
    return original.call(this, tool, args, toolName);
  };
}
