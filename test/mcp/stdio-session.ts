/**
 * A raw stdio session with a built server file (dist/server.js, the front end, or
 * dist/server-core.js, the full server alone): lines in, every line out kept, so tests can compare
 * the two byte for byte and see what a client would see, malformed messages included.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { resolve } from "node:path";
import { until } from "../support/fault-support.js";

export const FRONT = resolve("dist/server.js");
export const CORE = resolve("dist/server-core.js");

export interface Answer {
  jsonrpc: string;
  id?: string | number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
  method?: string;
}

export class StdioSession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Answer[] = [];
  stderr = "";
  private pending = "";

  constructor(file: string, options: { env: NodeJS.ProcessEnv; cwd: string }) {
    this.child = spawn(process.execPath, [file], { ...options, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.pending += chunk.toString();
      const lines = this.pending.split("\n");
      this.pending = lines.pop() ?? "";
      // JSON.parse throws on anything but JSON-RPC on stdout, which fails the test that reads it.
      for (const line of lines) this.messages.push(JSON.parse(line) as Answer);
    });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    // A server that closed its stdin early (an over-long line) must not fail the writer.
    this.child.stdin.on("error", () => {});
  }

  /** Writes each message as one line; a string is written as it is (for malformed lines). */
  send(...messages: (object | string)[]): void {
    this.child.stdin.write(
      messages.map((m) => `${typeof m === "string" ? m : JSON.stringify(m)}\n`).join(""),
    );
  }

  answers(id: string | number): Answer[] {
    return this.messages.filter((m) => m.id === id);
  }

  async answer(id: string | number): Promise<Answer> {
    await until(
      () => this.answers(id).length > 0 || this.child.exitCode !== null,
      `the answer to request ${id} (stderr: ${this.stderr})`,
    );
    const [answer] = this.answers(id);
    if (!answer) throw new Error(`the server exited without answering ${id}: ${this.stderr}`);
    return answer;
  }

  /** Ends stdin, as a client going away does, and waits for the exit code. */
  async end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited();
  }

  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((res) => this.child.once("exit", (code) => res(code)));
  }
}

export const request = (id: string | number, method: string, params?: object) => ({
  jsonrpc: "2.0",
  id,
  method,
  ...(params && { params }),
});

export const initialize = (id: string | number, protocolVersion = "2025-06-18", params: object = {}) =>
  request(id, "initialize", {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: "front-end-test", version: "0" },
    ...params,
  });

export const INITIALIZED = { jsonrpc: "2.0", method: "notifications/initialized" };

/**
 * What Claude Code 2.1.330 sends when it connects to a plugin's server (recorded from
 * `claude --plugin-dir DIR mcp list`): a `server/discover` probe, which the SDK does not serve,
 * then initialize, initialized and tools/list.
 */
export const CLAUDE_CODE_HELLO: string[] = [
  '{"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"claude-code","title":"Claude Code","version":"2.1.330","description":"Anthropic\'s agentic coding tool","websiteUrl":"https://claude.com/claude-code"},"io.modelcontextprotocol/clientCapabilities":{"roots":{"listChanged":true},"elicitation":{"form":{},"url":{}}}}}}',
  '{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"roots":{"listChanged":true},"elicitation":{"form":{},"url":{}}},"clientInfo":{"name":"claude-code","title":"Claude Code","version":"2.1.330","description":"Anthropic\'s agentic coding tool","websiteUrl":"https://claude.com/claude-code"}},"jsonrpc":"2.0","id":0}',
  '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  '{"method":"tools/list","jsonrpc":"2.0","id":1}',
];
