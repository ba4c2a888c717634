/**
 * Runs the real Claude Code CLI (node_modules/.bin/claude, a pinned devDependency) for one
 * non-interactive session against the scripted model of mock-anthropic.ts: `claude -p PROMPT
 * --output-format stream-json --verbose`, offline, with a HOME of its own. The result carries
 * every stream-json event, so a test asserts on what Claude Code did (tool calls, tool results,
 * permission denials), not on wall-clock time.
 */

import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../plugin/support.js";
import type { MockAnthropic } from "./mock-anthropic.js";
import { EVENT_WAIT_MS } from "./waits.js";

export const CLAUDE_BIN = join(ROOT, "node_modules", ".bin", "claude");

/** The variables that keep Claude Code offline and quiet, pointed at the mock. */
export function offlineClaudeEnv(mock: MockAnthropic, home: string): Record<string, string> {
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: mock.url,
    ANTHROPIC_API_KEY: mock.apiKey,
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_ERROR_REPORTING: "1",
  };
}

/** A base environment without the variables of a Claude Code session this test might run in. */
export function cleanBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(CLAUDECODE|CLAUDE_CODE_|CLAUDE_PLUGIN_|CLAUDE_PROJECT_DIR|ANTHROPIC_|AMPLIHACK_)/.test(k))
      continue;
    env[k] = v;
  }
  return env;
}

export interface StreamEvent {
  type: string;
  subtype?: string;
  message?: {
    content?: { type: string; name?: string; input?: unknown; text?: string; content?: unknown }[];
  };
  [key: string]: unknown;
}

export interface ClaudeSession {
  code: number | null;
  events: StreamEvent[];
  stderr: string;
  /** The final `result` event. */
  result: StreamEvent | undefined;
  /** Every tool the model called, in order, with its input. */
  toolCalls: { name: string; input: unknown }[];
  /** Every tool result Claude Code handed back to the model, as text. */
  toolResults: string[];
}

export async function runClaude(options: {
  mock: MockAnthropic;
  home: string;
  cwd: string;
  prompt: string;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ClaudeSession> {
  mkdirSync(options.home, { recursive: true });
  const env = { ...cleanBaseEnv(), ...offlineClaudeEnv(options.mock, options.home), ...options.env };
  const args = ["-p", options.prompt, "--output-format", "stream-json", "--verbose", ...(options.args ?? [])];
  const child = spawn(CLAUDE_BIN, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? EVENT_WAIT_MS);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearTimeout(timer);
  const events = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as StreamEvent);
  const blocks = (type: string) =>
    events.flatMap((e) => (e.message?.content ?? []).filter((b) => typeof b === "object" && b.type === type));
  return {
    code,
    events,
    stderr,
    result: events.find((e) => e.type === "result"),
    toolCalls: blocks("tool_use").map((b) => ({ name: b.name ?? "?", input: b.input })),
    toolResults: blocks("tool_result").map((b) => stringify(b.content)),
  };
}

function stringify(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((c) => (typeof c?.text === "string" ? c.text : JSON.stringify(c))).join("\n");
  return JSON.stringify(content);
}
