/**
 * A scripted stand-in for the Anthropic Messages API on 127.0.0.1, so the real Claude Code CLI
 * runs whole sessions offline (as the user's client of our plugin, and as the agent on a fake VM).
 *
 * It speaks what Claude Code uses: POST /v1/messages (server-sent events when `stream: true`,
 * plain JSON otherwise) and POST /v1/messages/count_tokens. Every request is logged. Answers come
 * from a scenario: an ordered list of steps, each "when the request looks like this, answer with
 * these blocks"; a step is used once. A request no step matches (Claude Code's side requests:
 * titles, summaries, the first-turn warm-up) gets a short text answer, so a scenario only scripts
 * the conversation it is about.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  system?: string | { type: string; text?: string }[];
  messages: { role: string; content: string | ContentBlock[] }[];
  tools?: { name: string }[];
  [key: string]: unknown;
}

/** A content block as Claude Code sends it (text, tool_use, tool_result, ...), read loosely. */
export type ContentBlock = { type: string; [key: string]: unknown };

/** What a step answers: text and tool calls, in order. */
export type Reply = ({ type: "text"; text: string } | { type: "tool_use"; name: string; input: unknown })[];

export interface Step {
  /** A name for failures ("step 'call remote_execute' was never used"). */
  name: string;
  when: (request: MessagesRequest) => boolean;
  reply: Reply | ((request: MessagesRequest) => Reply);
}

export interface LoggedRequest {
  method: string;
  path: string;
  body: MessagesRequest | null;
  /** The step that answered it, or null for an unscripted (side) request. */
  step: string | null;
}

export interface MockAnthropic {
  url: string;
  /** A random key in the shape of a real one: Claude Code checks the shape, we never check it. */
  apiKey: string;
  requests: LoggedRequest[];
  /** Names of the steps no request has used yet. */
  unusedSteps(): string[];
  close(): Promise<void>;
}

/** The text of every block of a message's content, joined. */
export function textOf(content: string | ContentBlock[] | unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((b) => {
      if (b.type === "text") return b.text as string;
      if (b.type === "tool_result") return textOf(b.content);
      return "";
    })
    .join("\n");
}

/** The whole request as the model would read it: system prompt and every message's text. */
export function requestText(request: MessagesRequest): string {
  const system = typeof request.system === "string" ? request.system : textOf(request.system ?? []);
  return [system, ...request.messages.map((m) => textOf(m.content))].join("\n");
}

/**
 * The last user turn (the prompt, or tool results). Claude Code may put a `system` message (its
 * environment notes) after it, so this is not simply the last message.
 */
function lastUserMessage(request: MessagesRequest) {
  return [...request.messages].reverse().find((m) => m.role === "user");
}

export function lastMessageText(request: MessagesRequest): string {
  const last = lastUserMessage(request);
  return last ? textOf(last.content) : "";
}

export function hasTool(request: MessagesRequest, name: string): boolean {
  return (request.tools ?? []).some((t) => t.name === name);
}

/** The tool results in the last user turn, by the name of the tool that was called. */
export function lastToolResults(
  request: MessagesRequest,
): { name: string; text: string; isError: boolean }[] {
  const names = new Map<string, string>();
  for (const m of request.messages) {
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content) if (b.type === "tool_use") names.set(b.id as string, b.name as string);
  }
  const last = lastUserMessage(request);
  if (!last || !Array.isArray(last.content)) return [];
  return last.content
    .filter((b) => b.type === "tool_result")
    .map((b) => ({
      name: names.get(b.tool_use_id as string) ?? "?",
      text: textOf(b.content),
      isError: b.is_error === true,
    }));
}

/** Is this a turn of the main conversation (it offers tools) rather than a side request? */
export const isMainTurn = (request: MessagesRequest) => (request.tools ?? []).length > 0;

export async function startMockAnthropic(steps: Step[]): Promise<MockAnthropic> {
  const requests: LoggedRequest[] = [];
  const used = new Set<number>();

  const answer = (body: MessagesRequest): { blocks: Reply; step: string | null } => {
    for (const [i, step] of steps.entries()) {
      if (used.has(i) || !step.when(body)) continue;
      used.add(i);
      return { blocks: typeof step.reply === "function" ? step.reply(body) : step.reply, step: step.name };
    }
    return { blocks: [{ type: "text", text: "OK." }], step: null };
  };

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((raw) => handle(req, res, raw))
      .catch((err) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: String(err) } }));
      });
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const path = (req.url ?? "/").split("?")[0];
    const body = raw ? (JSON.parse(raw) as MessagesRequest) : null;
    const logged: LoggedRequest = { method: req.method ?? "GET", path, body, step: null };
    requests.push(logged);
    if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      const tokens = Math.ceil(raw.length / 4);
      json(res, 200, { input_tokens: tokens });
    } else if (req.method === "POST" && path === "/v1/messages" && body) {
      const { blocks, step } = answer(body);
      logged.step = step;
      const message = assistantMessage(body.model ?? "claude-sonnet-4-5", blocks);
      if (body.stream) streamMessage(res, message);
      else json(res, 200, message);
    } else json(res, 404, { type: "error", error: { type: "not_found_error", message: `no ${path}` } });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: `sk-ant-api03-${randomBytes(40).toString("base64url")}-mockAA`,
    requests,
    unusedSteps: () => steps.filter((_, i) => !used.has(i)).map((s) => s.name),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface AssistantMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: Record<string, unknown>[];
  stop_reason: "end_turn" | "tool_use";
  stop_sequence: null;
  usage: { input_tokens: number; output_tokens: number };
}

function assistantMessage(model: string, blocks: Reply): AssistantMessage {
  const content = blocks.map((b) =>
    b.type === "text"
      ? { type: "text", text: b.text }
      : { type: "tool_use", id: `toolu_${randomBytes(12).toString("hex")}`, name: b.name, input: b.input },
  );
  return {
    id: `msg_${randomBytes(12).toString("hex")}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: content.some((c) => c.type === "tool_use") ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20 },
  };
}

/** The message as server-sent events, one content block after another, JSON in two halves. */
function streamMessage(res: ServerResponse, message: AssistantMessage): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send("message_start", {
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  message.content.forEach((block, index) => {
    if (block.type === "text") {
      send("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "text", text: "" },
      });
      send("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: block.text },
      });
    } else {
      send("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      const json = JSON.stringify(block.input);
      const half = Math.floor(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        send("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: part },
        });
      }
    }
    send("content_block_stop", { type: "content_block_stop", index });
  });
  send("message_delta", {
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  });
  send("message_stop", { type: "message_stop" });
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
