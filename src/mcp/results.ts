/**
 * The two shapes a tool call ends in. A success carries structuredContent (checked against the
 * tool's output schema) and a text block a person can read. A failure is an isError result whose
 * text is exactly what the CLI prints for the same RemoteError: the message, then "→ remedy".
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { RemoteError } from "../util/errors.js";

/** Key under the result's _meta where the error's code and facts travel for programs. */
export const ERROR_META_KEY = "amplihack-remote/error";

export function successResult(
  structured: Record<string, unknown>,
  text: string,
  isError = false,
): CallToolResult {
  return {
    content: [{ type: "text", text }],
    structuredContent: structured,
    ...(isError ? { isError: true } : {}),
  };
}

export function errorResult(error: RemoteError): CallToolResult {
  return {
    content: [{ type: "text", text: error.toUserText() }],
    isError: true,
    _meta: { [ERROR_META_KEY]: error.toJSON() },
  };
}
