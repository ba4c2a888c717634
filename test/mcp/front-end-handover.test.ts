/**
 * The front end (src/mcp/front/) in-process, over streams, against the full server from source:
 * every message it does not serve itself reaches the SDK (after a handover) and gets the SDK's own
 * answer, as from a server behind the SDK's StdioServerTransport; the SDK learns the client's
 * initialize although the front end answered it; what comes while the server loads keeps its
 * order; the front end loads the server only when it has to, or when stdin is quiet (preload).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ReadBuffer } from "@modelcontextprotocol/sdk/shared/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frontSnapshot } from "../../scripts/mcp-front-snapshot.mjs";
import { startFront } from "../../src/mcp/front/front.js";
import type { CoreModule } from "../../src/mcp/front/handover.js";
import { LineReader } from "../../src/mcp/front/line-reader.js";
import type { FrontSnapshot } from "../../src/mcp/front/snapshot.js";
import { acceptHandover } from "../../src/mcp/main.js";
import { createServer } from "../../src/mcp/server.js";
import { until } from "../support/fault-support.js";
import { cleanup, tempDir } from "../support/repo.js";
import { type Answer, CLAUDE_CODE_HELLO, INITIALIZED, initialize, request } from "./stdio-session.js";

let snapshot: FrontSnapshot;
let state: string;
beforeAll(async () => {
  // Recorded from the sources as the build records it from the bundle.
  snapshot = await frontSnapshot(resolve("src/mcp/main.ts"));
  state = tempDir("ar-front-state-");
});
afterAll(() => cleanup(state));

const newServer = () =>
  createServer({ env: { ...process.env, AMPLIHACK_REMOTE_STATE_DIR: state }, cwd: state });

/** A stream's output as JSON-RPC messages (every line must be one). */
function collect(stream: PassThrough): Answer[] {
  const messages: Answer[] = [];
  let pending = "";
  stream.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) messages.push(JSON.parse(line) as Answer);
  });
  return messages;
}

const lineOf = (m: object | string) => `${typeof m === "string" ? m : JSON.stringify(m)}\n`;

interface Front {
  stdin: PassThrough;
  messages: Answer[];
  loads: number;
  server?: McpServer;
  answer(id: string | number): Promise<Answer>;
}

function front(preloadIdleMs: number | null = null): Front {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const f: Front = {
    stdin,
    messages: collect(stdout),
    loads: 0,
    async answer(id) {
      await until(() => f.messages.some((m) => m.id === id), `the answer to ${id}`);
      return f.messages.find((m) => m.id === id)!;
    },
  };
  const core: CoreModule = {
    acceptHandover: (handover) => {
      f.server = newServer();
      return acceptHandover(handover, f.server);
    },
  };
  startFront({
    snapshot,
    stdin,
    stdout,
    loadCore: async () => {
      f.loads++;
      return core;
    },
    preloadIdleMs,
    onLoadFailure: (err) => {
      throw err;
    },
  });
  return f;
}

/** The full server behind the SDK's own stdio transport: what the front end must be indistinguishable from. */
async function fullServer() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const messages = collect(stdout);
  await newServer().connect(new StdioServerTransport(stdin, stdout));
  return { stdin, messages };
}

const sorted = (ms: Answer[]) => [...ms].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function expectSameAnswers(lines: (object | string)[]): Promise<void> {
  const end = request("end", "ping");
  const f = front();
  const full = await fullServer();
  f.stdin.write(lines.map(lineOf).join("") + lineOf(end));
  full.stdin.write(lines.map(lineOf).join("") + lineOf(end));
  await f.answer("end");
  await until(() => full.messages.some((m) => m.id === "end"), "the full server's answer to the last ping");
  // A request answered asynchronously (tools/call) may come after the ping's answer, on either side.
  const ids = (ms: Answer[]) => JSON.stringify(ms.map((m) => m.id ?? null).sort());
  await until(() => ids(f.messages) === ids(full.messages), "both to answer the same requests");
  expect(sorted(f.messages)).toEqual(sorted(full.messages));
}

// Unusual and malformed messages: whether the front end answers them (a method nobody serves) or
// leaves them to the SDK (or drops them, as the SDK does), the answers, errors included, must be
// the SDK's. A check in well-formed.ts that let a malformed one through would answer it from the
// snapshot, and differ.
const UNUSUAL: [string, (object | string)[]][] = [
  [
    "initialize without clientInfo",
    [request(1, "initialize", { protocolVersion: "2025-06-18", capabilities: {} })],
  ],
  ["initialize without params", [request(1, "initialize")]],
  [
    "initialize with a mistyped capability",
    [initialize(1, "2025-06-18", { capabilities: { roots: { listChanged: "yes" } } })],
  ],
  ["initialize with a null capability", [initialize(1, "2025-06-18", { capabilities: { sampling: null } })]],
  [
    "initialize with a mistyped elicitation",
    [initialize(1, "2025-06-18", { capabilities: { elicitation: { form: { applyDefaults: 1 } } } })],
  ],
  [
    "initialize with mistyped tasks",
    [
      initialize(1, "2025-06-18", {
        capabilities: { tasks: { requests: { sampling: { createMessage: 1 } } } },
      }),
    ],
  ],
  [
    "initialize with an experimental capability that is not an object",
    [initialize(1, "2025-06-18", { capabilities: { experimental: { x: 1 } } })],
  ],
  [
    "initialize with capabilities that are not an object",
    [initialize(1, "2025-06-18", { capabilities: [] })],
  ],
  [
    "initialize with a client version that is not a string",
    [initialize(1, "2025-06-18", { clientInfo: { name: "a", version: 1 } })],
  ],
  [
    "initialize with icons",
    [initialize(1, "2025-06-18", { clientInfo: { name: "a", version: "1", icons: [{ src: 5 }] } })],
  ],
  ["initialize with _meta", [initialize(1, "2025-06-18", { _meta: { progressToken: "t" } })]],
  ["initialize with a protocol version that is not a string", [initialize(1, 20250618 as unknown as string)]],
  ["tools/list with a cursor that is not a string", [request(1, "tools/list", { cursor: 5 })]],
  ["tools/list with params that are not an object", [request(1, "tools/list", [1])]],
  [
    "ping with a progress token that is not an integer",
    [request(1, "ping", { _meta: { progressToken: 1.5 } })],
  ],
  ["ping with a progress token", [request(1, "ping", { _meta: { progressToken: 7 } })]],
  ["a request id that is not an integer", [request(1.5, "ping")]],
  ["a request id that is null", [request(null as unknown as number, "ping")]],
  ["a request id beyond the safe integers", ['{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}']],
  ["jsonrpc 1.0", [{ jsonrpc: "1.0", id: 1, method: "ping" }]],
  ["a key JSON-RPC does not have", [{ ...request(1, "ping"), extra: true }]],
  ["lines that are not JSON", ["{not json", "", "   ", "[]", "null", "42"]],
  ["a CRLF line", [`${JSON.stringify(request(1, "tools/list"))}\r`]],
  [
    "methods nobody serves",
    [request(1, "prompts/list"), request(2, "resources/list"), request(3, "no/such", [])],
  ],
  [
    "a method nobody serves, with a progress token",
    [request(1, "server/discover", { _meta: { progressToken: "p" } })],
  ],
  [
    "a method nobody serves, with a bad progress token",
    [request(1, "server/discover", { _meta: { progressToken: {} } })],
  ],
  [
    "a method nobody serves, with a related task",
    [request(1, "x/y", { _meta: { "io.modelcontextprotocol/related-task": { taskId: 1 } } })],
  ],
  ["a method nobody serves, with _meta that is not an object", [request(1, "x/y", { _meta: [] })]],
  [
    "a method nobody serves, with params that are not an object",
    [request(1, "x/y", "params" as unknown as object)],
  ],
  ["tools/list with a progress token", [request(1, "tools/list", { _meta: { progressToken: 3 } })]],
  ["a notification nobody handles", [{ jsonrpc: "2.0", method: "notifications/roots/list_changed" }]],
  ["Claude Code connecting", CLAUDE_CODE_HELLO],
  ["initialize sent as a notification", [{ jsonrpc: "2.0", method: "initialize", params: {} }]],
  ["notifications/initialized sent as a request", [request(1, "notifications/initialized")]],
  [
    "a cancellation of nothing",
    [{ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 99 } }],
  ],
  ["a response from the client", [{ jsonrpc: "2.0", id: 1, result: {} }]],
  [
    "a call of a tool that does not exist",
    [initialize(1), INITIALIZED, request(2, "tools/call", { name: "nope" })],
  ],
  [
    "initialize, then a malformed tools/list",
    [initialize(1), request(2, "tools/list", { cursor: 1 }), request(3, "tools/list")],
  ],
  [
    "a character split across lines and chunks",
    [initialize("é—🙂", "2025-06-18", { clientInfo: { name: "ü🙂", version: "0" } })],
  ],
];

describe("unusual messages get the full server's answers", () => {
  it.each(UNUSUAL)("%s", async (_, lines) => {
    await expectSameAnswers(lines);
  });
});

describe("the handover", () => {
  it("serves initialize, tools/list, ping and methods nobody serves without loading the full server", async () => {
    const f = front();
    f.stdin.write(
      [initialize(1), INITIALIZED, request(2, "tools/list"), request(3, "ping")].map(lineOf).join(""),
    );
    f.stdin.write(lineOf(request(4, "prompts/list")));
    await f.answer(4);
    expect(f.loads).toBe(0);
    expect(f.messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
  });

  it("serves Claude Code's whole opening (a server/discover probe first) without loading the full server", async () => {
    const f = front();
    f.stdin.write(CLAUDE_CODE_HELLO.map(lineOf).join(""));
    await f.answer(1);
    expect(f.loads).toBe(0);
    expect(f.messages.map((m) => m.id)).toEqual(["server-discover-probe-1", 0, 1]);
  });

  it("gives the SDK the client's initialize, answers each request once, in order, and never the replayed one", async () => {
    const f = front();
    const capabilities = { roots: { listChanged: true }, elicitation: {} };
    const clientInfo = { name: "probe", title: "Probe", version: "9" };
    f.stdin.write(lineOf(initialize(1, "2025-03-26", { capabilities, clientInfo })) + lineOf(INITIALIZED));
    await f.answer(1);
    // All at once: the call loads the server; the rest arrive while it loads.
    f.stdin.write(
      [
        request(2, "tools/call", { name: "remote_status", arguments: {} }),
        request(3, "ping"),
        request(4, "tools/list"),
      ]
        .map(lineOf)
        .join(""),
    );
    await Promise.all([f.answer(2), f.answer(4)]);
    expect(f.loads).toBe(1);
    expect(f.server?.server.getClientCapabilities()).toEqual({ ...capabilities, elicitation: { form: {} } });
    expect(f.server?.server.getClientVersion()).toEqual(clientInfo);
    // One answer per request, nothing else (no answer to the replayed initialize).
    expect(f.messages.map((m) => m.id).sort()).toEqual([1, 2, 3, 4]);
    // The SDK's tools/list after the handover is the snapshot's.
    expect(f.messages.find((m) => m.id === 4)?.result).toEqual(snapshot.toolsList);
  });

  it("with preload, loads the full server once stdin is quiet after tools/list; the first call then needs no load", async () => {
    const f = front(0);
    f.stdin.write([initialize(1), INITIALIZED, request(2, "tools/list")].map(lineOf).join(""));
    await f.answer(2);
    await until(() => f.server !== undefined, "the full server loaded in the background");
    f.stdin.write(lineOf(request(3, "tools/call", { name: "remote_status", arguments: {} })));
    expect((await f.answer(3)).result).toBeDefined();
    expect(f.loads).toBe(1);
    expect(f.server?.server.getClientVersion()).toEqual({ name: "front-end-test", version: "0" });
  });

  it("an over-long line closes the connection, as the SDK's transport does, before and after the handover", async () => {
    // 1 MB chunks: the SDK's buffer (and ours) copies what it holds at every chunk.
    const chunk = Buffer.alloc(1024 * 1024, "x");
    const overflow = async (stdin: PassThrough, answered: () => boolean) => {
      for (let sent = 0; sent <= snapshot.maxBufferSize; sent += chunk.length) stdin.write(chunk);
      stdin.write(`\n${lineOf(request(3, "ping"))}`);
      await until(() => stdin.isPaused(), "stdin paused");
      expect(stdin.listenerCount("data")).toBe(0);
      expect(answered()).toBe(false);
    };
    const full = await fullServer();
    await overflow(full.stdin, () => full.messages.some((m) => m.id === 3));
    for (const handedOver of [false, true]) {
      const f = front();
      f.stdin.write(lineOf(initialize(1)));
      if (handedOver)
        f.stdin.write(lineOf(request(2, "tools/call", { name: "remote_status", arguments: {} })));
      await f.answer(handedOver ? 2 : 1);
      await overflow(f.stdin, () => f.messages.some((m) => m.id === 3));
    }
  });
});

describe("the front end's line reader", () => {
  it("reads the lines the SDK's ReadBuffer reads, however stdin is chunked", () => {
    const text = [
      initialize("é—🙂"),
      request(2, "tools/list"),
      { ...request(3, "ping"), params: { s: "日本" } },
    ]
      .map((m, i) => (i === 1 ? `${JSON.stringify(m)}\r\n` : lineOf(m)))
      .join("");
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const ours = new LineReader(snapshot.maxBufferSize);
      const sdk = new ReadBuffer();
      const got: unknown[] = [];
      const want: unknown[] = [];
      for (let at = 0; at < bytes.length; at += size) {
        const chunk = bytes.subarray(at, at + size);
        got.push(...ours.push(chunk).map((l) => JSON.parse(l)));
        sdk.append(chunk);
        for (let m = sdk.readMessage(); m; m = sdk.readMessage()) want.push(m);
      }
      expect(got, `chunks of ${size}`).toEqual(want);
      expect(got).toHaveLength(3);
    }
  });
});

describe("the front end stays small", () => {
  it("imports node builtins and its own folder only (the build also checks the bundle's inputs)", () => {
    const dir = resolve("src/mcp/front");
    const outside = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((file) =>
        [
          ...readFileSync(join(dir, file), "utf8").matchAll(
            /\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g,
          ),
        ]
          .map((m) => m[1] ?? m[2])
          .filter((spec) => !spec.startsWith("node:") && !/^\.\/[\w-]+\.js$/.test(spec))
          .map((spec) => `${file}: ${spec}`),
      );
    expect(outside).toEqual([]);
  });

  it("dist/server.js loads nothing but node builtins and, when needed, dist/server-core.js next to it", () => {
    const bundle = readFileSync(resolve("dist/server.js"), "utf8");
    const specs = [...bundle.matchAll(/^\s*import\b[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(specs.every((s) => s.startsWith("node:"))).toBe(true);
    expect(bundle).toContain('import(new URL("./server-core.js", import.meta.url).href)');
    expect(bundle).not.toMatch(/node_modules/);
  });
});
