/**
 * MCP server cold start: how long from spawning `node dist/server.js` to the answer to tools/list
 * (initialize, initialized, tools/list over stdio), against the floor of `node -e 0` measured in the
 * same run. This is what a Claude Code session waits for before the plugin's tools exist.
 *
 *   npx tsx bench/mcp-cold-start.bench.ts
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "./support.js";

const RUNS = 10;
const SERVER = resolve("dist/server.js");
if (!existsSync(SERVER)) throw new Error("dist/server.js is missing: run `npm run build` first");
const state = mkdtempSync(join(tmpdir(), "ar-bench-mcp-"));

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

/** Spawn to the tools/list answer; the server is then closed (stdin ends) and awaited. */
function serverColdStart(): Promise<{ ms: number; tools: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [SERVER], {
    stdio: ["pipe", "pipe", "ignore"],
    env: { ...process.env, AMPLIHACK_REMOTE_STATE_DIR: state },
  });
  const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
  send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } },
  });
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  return new Promise((res, rej) => {
    let buffer = "";
    const timer = setTimeout(() => rej(new Error("no tools/list answer within 30 s")), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n").slice(0, -1)) {
        const msg = JSON.parse(line) as { id?: number; result?: { tools: unknown[] } };
        if (msg.id !== 2) continue;
        const ms = performance.now() - t0;
        clearTimeout(timer);
        child.stdin.end();
        child.once("exit", () => res({ ms, tools: msg.result?.tools.length ?? 0 }));
        return;
      }
    });
    child.once("error", rej);
  });
}

// One warm-up of each so the OS file cache holds node and the bundle, as after the first session.
await nodeFloor();
await serverColdStart();

const floor: number[] = [];
const server: number[] = [];
let tools = 0;
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so a noisy moment on the machine hits both series alike.
  floor.push(await nodeFloor());
  const r = await serverColdStart();
  server.push(r.ms);
  tools = r.tools;
}
rmSync(state, { recursive: true, force: true });

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const fMed = median(floor);
const sMed = median(server);
console.log(
  `MCP cold start: spawn \`node dist/server.js\` → initialize → tools/list answered (${tools} tools), ${RUNS} runs`,
);
console.log(
  `  floor  node -e 0                median ${fmt(fMed).padStart(7)}   p90 ${fmt(percentile(floor, 90)).padStart(7)}`,
);
console.log(
  `  server dist/server.js           median ${fmt(sMed).padStart(7)}   p90 ${fmt(percentile(server, 90)).padStart(7)}`,
);
console.log(`  over the floor: +${fmt(sMed - fMed)} median (${(sMed / fMed).toFixed(1)}x node's own start)`);
