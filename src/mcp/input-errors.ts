/**
 * Bad arguments get the same treatment as any other error: the rule that was broken and what to
 * do, as the CLI prints them for a bad option. The SDK validates arguments before our handler
 * runs and words the failure its own way ("Input validation error: Invalid arguments for tool
 * ..."), without a remedy; this check runs first with the same zod schema and says it our way.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { RemoteError } from "../util/errors.js";
import { ERROR_META_KEY } from "./results.js";

interface ToolWithSchema {
  inputSchema?: z.ZodType;
}

type Validate = (tool: ToolWithSchema, args: unknown, toolName: string) => Promise<unknown>;
type CreateToolError = (message: string) => CallToolResult;

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
 * Hooks the McpServer's argument check and its error result (private methods of SDK v1: if a later
 * SDK renames them, this does nothing and the SDK's own message, which still names the rule, is
 * what users see). The check throws a plain Error, whose message the SDK turns into the isError
 * result's text; the error result then gets the same `_meta` error object as every other failure,
 * so a program reads `code: "usage"` without parsing text.
 */
export function explainInvalidArguments(server: McpServer): void {
  const target = server as unknown as { validateToolInput?: Validate; createToolError?: CreateToolError };
  const original = target.validateToolInput;
  const originalCreate = target.createToolError;
  if (typeof original !== "function" || typeof originalCreate !== "function") return;
  // Errors thrown by the check, by the text the SDK will hand to createToolError.
  const thrown = new Map<string, RemoteError>();
  target.validateToolInput = async function (tool, args, toolName) {
    const parsed =
      typeof tool.inputSchema?.safeParseAsync === "function"
        ? await tool.inputSchema.safeParseAsync(args ?? {})
        : null;
    if (parsed && !parsed.success) {
      const error = usageErrorFor(parsed.error, toolName);
      thrown.set(error.toUserText(), error);
      throw new Error(error.toUserText());
    }
    return original.call(this, tool, args, toolName);
  };
  target.createToolError = function (message) {
    const result = originalCreate.call(this, message);
    const error = thrown.get(message);
    if (!error) return result;
    thrown.delete(message);
    return { ...result, _meta: { ...result._meta, [ERROR_META_KEY]: error.toJSON() } };
  };
}
