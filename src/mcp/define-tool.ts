/**
 * One way to declare a tool (name, schemas, annotations, handler) and one wrapper that registers
 * them all with the same error handling: whatever a handler throws reaches the model as an isError
 * result with the CLI's message and remedy, never as a protocol error or a stack trace.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { asRemoteError } from "../util/errors.js";
import type { ToolContext } from "./context.js";
import { loosenShape } from "./loose.js";
import { errorResult, successResult } from "./results.js";

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolCall {
  context: ToolContext;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  extra: Extra;
}

/**
 * The output type without the index signatures of loose objects, so the core's interfaces (which
 * have none) can be returned as they are; the SDK still checks the value against the schema.
 */
export type WithoutIndex<T> = T extends readonly (infer U)[]
  ? WithoutIndex<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: WithoutIndex<T[K]> }
    : T;

export interface ToolOutcome<O> {
  structured: WithoutIndex<O>;
  /** What a person (and the model) reads. */
  text: string;
  /** The call worked but what it reports is a failure (e.g. a run that ended in error). */
  isError?: boolean;
}

export interface ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /** All four hints, always: the protocol's defaults (destructive, open world) fit few tools. */
  annotations: Required<
    Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">
  >;
  run(args: z.output<z.ZodObject<I>>, call: ToolCall): Promise<ToolOutcome<z.input<z.ZodObject<O>>>>;
}

/** Identity, for type inference of `args` and of the structured result in each tool file. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  spec: ToolSpec<I, O>,
): ToolSpec<I, O> {
  return spec;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of tools with different schemas
export type AnyToolSpec = ToolSpec<any, any>;

export function registerTools(server: McpServer, context: ToolContext, tools: readonly AnyToolSpec[]): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        // Whole zod objects (not raw shapes): the SDK then keeps ours, with zod's full API. Outputs
        // are loose so a field the core adds later never fails a client's validation.
        inputSchema: z.object(tool.input),
        outputSchema: z.looseObject(loosenShape(tool.output)),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra: Extra) => {
        try {
          const outcome = await tool.run(args, { context, signal: extra.signal, extra });
          return successResult(outcome.structured as Record<string, unknown>, outcome.text, outcome.isError);
        } catch (err) {
          return errorResult(asRemoteError(err));
        }
      },
    );
  }
}
