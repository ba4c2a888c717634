/**
 * MCP server cold start: how long from spawning the server to the answer to tools/list
 * (initialize, initialized, tools/list over stdio), against the floor of `node -e 0` measured in the
 * same run. This is what a Claude Code session waits for before the plugin's tools exist.
 *
 * dist/server.js is the front end (src/mcp/front/), which answers from a build-time snapshot and
 * loads dist/server-core.js, the full server, when a message needs it (or, by default, once stdin
 * is quiet after tools/list). Running dist/server-core.js directly is the single bundle we shipped
 * before: it is measured alongside, as the figure the front end must beat on tools/list and must
 * not lose to on the first tools/call (remote_status on an empty state directory: cheap and
 * deterministic), both sent at once after tools/list and after a quiet second.
 *
 *   npx tsx bench/mcp-cold-start.bench.ts
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { median } from "./support.js";

const RUNS = 10;
const FRONT = resolve("dist/server.js");
const CORE = resolve("dist/server-core.js");
for (const file of [FRONT, CORE]) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
}
const state = mkdtempSync(join(tmpdir(), "ar-bench-mcp-"));
/** How long a client stays quiet after tools/list in the "later call" series. */
const QUIET_MS = 1000;

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Spawn to exit of `node -e 0`: the cost of starting Node at all. */
function nodeFloor(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  return new Promise((res, rej) => {
    child.once("error", rej);
    child.once("exit", () => res(performance.now() - t0));
  });
}

interface Server {
  /** Sends a request; resolves with the time (since spawn) its answer arrived, and the answer. */
  ask(id: number, method: string, params?: object): Promise<{ at: number; result: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Claude Code (2.1.330) opens with a `server/discover` probe that the SDK does not serve
 * (test/mcp/stdio-session.ts has its exact lines); a front end that loaded the full server for it
 * would gain nothing in a real session.
 */
const DISCOVER_PROBE = {
  jsonrpc: "2.0",
  id: "server-discover-probe-1",
  method: "server/discover",
  params: { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } },
};

function startServer(
  file: string,
  env: Record<string, string> = {},
  probe = false,
): { t0: number; server: Server } {
  const t0 = performance.now();
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [file], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, AMPLIHACK_REMOTE_STATE_DIR: state, ...env },
  });
  child.stderr.resume();
  const waiting = new Map<number, (m: { result: Record<string, unknown> }) => void>();
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const msg = JSON.parse(line) as {
        id?: number | string;
        result: Record<string, unknown>;
        error?: unknown;
      };
      if (msg.error && msg.id !== DISCOVER_PROBE.id)
        throw new Error(`${file} answered with an error: ${line}`);
      if (typeof msg.id === "number") waiting.get(msg.id)?.(msg);
    }
  });
  const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
  if (probe) send(DISCOVER_PROBE);
  send({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } },
  });
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  const server: Server = {
    ask(id, method, params) {
      const answer = new Promise<{ result: Record<string, unknown> }>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no answer to ${method} within 30 s`)), 30_000);
        waiting.set(id, (m) => {
          clearTimeout(timer);
          res(m);
        });
      });
      send({ jsonrpc: "2.0", id, method, ...(params && { params }) });
      return answer.then((m) => ({ at: performance.now() - t0, result: m.result }));
    },
    close() {
      child.stdin.end();
      return new Promise((res) => child.once("exit", () => res()));
    },
  };
  return { t0, server };
}

const CALL = { name: "remote_status", arguments: {} };

/** Spawn to the tools/list answer; `probe`: opening as Claude Code does. */
async function coldStart(file: string, probe = false): Promise<{ ms: number; tools: number }> {
  const { server } = startServer(file, {}, probe);
  const { at, result } = await server.ask(1, "tools/list");
  await server.close();
  return { ms: at, tools: (result.tools as unknown[]).length };
}

/** Spawn to the first tools/call answer, the call sent as soon as tools/list is answered. */
async function callAtOnce(file: string, env?: Record<string, string>): Promise<number> {
  const { server } = startServer(file, env);
  await server.ask(1, "tools/list");
  const { at } = await server.ask(2, "tools/call", CALL);
  await server.close();
  return at;
}

/** Send to answer of the first tools/call, sent after a quiet second (a client's model thinking). */
async function callLater(file: string, env?: Record<string, string>): Promise<number> {
  const { t0, server } = startServer(file, env);
  await server.ask(1, "tools/list");
  await sleep(QUIET_MS);
  const sent = performance.now() - t0;
  const { at } = await server.ask(2, "tools/call", CALL);
  await server.close();
  return at - sent;
}

const NO_PRELOAD = { AMPLIHACK_REMOTE_MCP_PRELOAD: "0" };

// One warm-up of each so the OS file cache holds node and the bundles, as after the first session.
await nodeFloor();
await coldStart(FRONT);
await callAtOnce(CORE);

const series: Record<string, number[]> = {};
const add = (name: string, ms: number) => {
  series[name] ??= [];
  series[name].push(ms);
};
let tools = 0;
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so a noisy moment on the machine hits every series alike.
  add("floor", await nodeFloor());
  const front = await coldStart(FRONT);
  add("front", front.ms);
  tools = front.tools;
  add("single", (await coldStart(CORE)).ms);
  add("frontClaude", (await coldStart(FRONT, true)).ms);
  add("singleClaude", (await coldStart(CORE, true)).ms);
  add("onceSingle", await callAtOnce(CORE));
  add("onceFront", await callAtOnce(FRONT));
  add("onceFrontLazy", await callAtOnce(FRONT, NO_PRELOAD));
  add("laterSingle", await callLater(CORE));
  add("laterFront", await callLater(FRONT));
  add("laterFrontLazy", await callLater(FRONT, NO_PRELOAD));
}
rmSync(state, { recursive: true, force: true });

const fmt = (ms: number) => `${ms.toFixed(0)} ms`.padStart(7);
const med = (name: string) => median(series[name]);
const row = (label: string, name: string, against?: string) =>
  console.log(
    `  ${label.padEnd(44)} median ${fmt(med(name))}   p90 ${fmt(percentile(series[name], 90))}` +
      (against
        ? `   ${(med(name) / med(against)).toFixed(2)}x ${against === "floor" ? "node -e 0" : "single bundle"}`
        : ""),
  );

console.log(`MCP cold start: spawn → initialize → tools/list answered (${tools} tools), ${RUNS} runs`);
row("floor  node -e 0", "floor");
row("front  dist/server.js", "front", "floor");
row("single dist/server-core.js (the old bundle)", "single", "floor");
console.log(
  `  tools/list over the floor: ${med("front") >= med("floor") ? "+" : "-"}${fmt(Math.abs(med("front") - med("floor"))).trim()} median (goal: within 2x)`,
);
console.log("The same, opening as Claude Code does (a server/discover probe first)");
row("front  dist/server.js", "frontClaude", "floor");
row("single dist/server-core.js (the old bundle)", "singleClaude", "floor");
console.log("First tools/call (remote_status), sent as soon as tools/list is answered: spawn → answer");
row("single bundle", "onceSingle");
row("front, preload after a quiet 50 ms (default)", "onceFront", "onceSingle");
row("front, AMPLIHACK_REMOTE_MCP_PRELOAD=0", "onceFrontLazy", "onceSingle");
console.log(`First tools/call after ${QUIET_MS} ms of quiet: send → answer`);
row("single bundle", "laterSingle");
row("front, preload (default)", "laterFront", "laterSingle");
row("front, AMPLIHACK_REMOTE_MCP_PRELOAD=0", "laterFrontLazy", "laterSingle");
