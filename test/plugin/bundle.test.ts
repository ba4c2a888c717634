/**
 * dist/server.js (the front end .mcp.json launches) and dist/server-core.js (the full server it
 * loads) are committed (a plugin install is a git clone and builds nothing), so they must be what
 * the sources build to, and they must run from the tracked files alone: no node_modules.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "../../src/mcp/server.js";
import { until } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";
import { copyTrackedFiles, ROOT, run } from "./support.js";

/** The server's two files: the front end .mcp.json launches and the full server it loads. */
const SERVER_FILES = ["dist/server.js", "dist/server-core.js"];

describe.each(SERVER_FILES)("%s", (file) => {
  it("is tracked by git", async () => {
    const { stdout } = await run("git", ["ls-files", "--error-unmatch", file], { cwd: ROOT });
    expect(stdout.trim()).toBe(file);
    const ignored = await run("git", ["check-ignore", "-q", file], { cwd: ROOT });
    expect(ignored.code).toBe(1);
  });
});

describe("the server files", () => {
  it("are what the sources build to (else: npm run build, then commit dist/server.js and dist/server-core.js)", async () => {
    const out = mkdtempSync(join(tmpdir(), "ar-build-"));
    try {
      const built = await run("node", ["scripts/build.mjs", "--only", "server", "--outdir", out], {
        cwd: ROOT,
      });
      expect(built.code, built.stderr).toBe(0);
      for (const file of SERVER_FILES) {
        const stale = `${file} is stale: run \`npm run build\` and commit ${SERVER_FILES.join(" and ")}`;
        const fresh = readFileSync(join(out, basename(file)));
        const committed = readFileSync(join(ROOT, file));
        // Comparing lengths first keeps a 2 MB diff out of the failure message.
        expect(committed.length, stale).toBe(fresh.length);
        expect(committed.equals(fresh), stale).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("the tracked files alone (what a plugin install gets)", () => {
  let plugin: string;
  let repo: string;
  let state: string;
  beforeAll(async () => {
    plugin = await copyTrackedFiles();
    repo = makeRepo();
    state = tempDir("ar-plugin-state-");
  });
  afterAll(() => cleanup(plugin, repo, state));

  const serverEnv = () => ({
    ...(process.env as Record<string, string>),
    AMPLIHACK_REMOTE_STATE_DIR: state,
    AMPLIHACK_REMOTE_POLL_SECONDS: "0.2",
  });

  it("start the server, which writes nothing but JSON-RPC on stdout and answers tools/list", async () => {
    const child = spawn("node", [join(plugin, "dist/server.js")], {
      cwd: repo,
      env: serverEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    await until(() => stdout.includes('"id":2'), "the answer to tools/list");
    child.stdin.end();
    await new Promise((r) => child.once("exit", r));

    const lines = stdout.split("\n").filter(Boolean);
    const messages = lines.map(
      (l) => JSON.parse(l) as { jsonrpc: string; id?: number; result?: { tools?: { name: string }[] } },
    );
    for (const m of messages) expect(m.jsonrpc).toBe("2.0");
    const list = messages.find((m) => m.id === 2);
    expect(list?.result?.tools?.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
  });

  it("run a whole task through the bundle: secret gate, git, the remote scripts from the plugin folder", async () => {
    const client = new Client({ name: "bundle-test", version: "0" });
    const transport = new StdioClientTransport({
      command: "node",
      args: [join(plugin, "dist/server.js")],
      cwd: repo,
      env: serverEnv(),
      stderr: "pipe",
    });
    await client.connect(transport);
    try {
      const result = (await client.callTool({
        name: "remote_execute",
        arguments: {
          command: "auto",
          prompt: "through the bundle",
          target: "local",
          agentCommand: [RECORDING_AGENT],
          wait: true,
        },
      })) as CallToolResult;
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        status: "succeeded",
        summary: { next: ["git merge remote-exec/main"] },
      });
      expect(git(repo, "show", "remote-exec/main:notes.txt")).toBe("through the bundle\n");
    } finally {
      await client.close();
    }
  });
});
