/**
 * dist/server.js as a process, as Claude Code runs it: it exits cleanly when stdin ends, whether
 * the full server was never loaded, is loading with a request waiting (which is still answered),
 * or took over; and a call through the handover keeps its progress notifications and its
 * cancellation (the user's Esc stops the agent, as with the full server alone).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateStore } from "../../src/state/store.js";
import { EVENT_WAIT_MS } from "../support/fault-support.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";
import { FRONT, INITIALIZED, initialize, request, StdioSession } from "./stdio-session.js";
import { eventually, localRunDir, RECORDING_AGENT } from "./support.js";

let state: string;
let repo: string;
beforeEach(() => {
  state = tempDir("ar-front-state-");
  repo = makeRepo();
});
afterEach(() => cleanup(state, repo));

const env = (extra: Record<string, string> = {}) => ({
  ...(process.env as Record<string, string>),
  AMPLIHACK_REMOTE_STATE_DIR: state,
  AMPLIHACK_REMOTE_POLL_SECONDS: "0.2",
  ...extra,
});
const STATUS_CALL = request(3, "tools/call", { name: "remote_status", arguments: {} });

describe("dist/server.js exits cleanly when stdin ends", () => {
  it("after tools/list, with or without the preload", async () => {
    for (const preload of ["1", "0"]) {
      const session = new StdioSession(FRONT, {
        cwd: repo,
        env: env({ AMPLIHACK_REMOTE_MCP_PRELOAD: preload }),
      });
      session.send(initialize(1), INITIALIZED, request(2, "tools/list"));
      await session.answer(2);
      expect(await session.end(), session.stderr).toBe(0);
      expect(session.messages.map((m) => m.id)).toEqual([1, 2]);
    }
  });

  it("while the full server loads: the waiting call is answered first", async () => {
    const session = new StdioSession(FRONT, { cwd: repo, env: env({ AMPLIHACK_REMOTE_MCP_PRELOAD: "0" }) });
    session.send(initialize(1), INITIALIZED, STATUS_CALL);
    expect(await session.end(), session.stderr).toBe(0);
    expect(session.answers(3)).toHaveLength(1);
    expect(session.answers(3)[0].result).toMatchObject({ structuredContent: expect.any(Object) });
  });

  it("after the full server took over", async () => {
    const session = new StdioSession(FRONT, { cwd: repo, env: env() });
    session.send(initialize(1), INITIALIZED, STATUS_CALL);
    await session.answer(3);
    expect(await session.end(), session.stderr).toBe(0);
    expect(session.messages.map((m) => m.id)).toEqual([1, 3]);
  });
});

describe("a call through the handover", () => {
  it("sends progress, and a cancellation stops the agent and still brings its work home", async () => {
    const client = new Client({ name: "front-end-test", version: "0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [FRONT],
        cwd: repo,
        env: env(),
        stderr: "pipe",
      }),
    );
    try {
      const controller = new AbortController();
      const progress: Progress[] = [];
      const call = client.callTool(
        {
          name: "remote_execute",
          arguments: {
            command: "auto",
            prompt: "slow and cancelled",
            target: "local",
            agentCommand: [RECORDING_AGENT],
            wait: true,
          },
        },
        undefined,
        {
          signal: controller.signal,
          timeout: EVENT_WAIT_MS,
          resetTimeoutOnProgress: true,
          onprogress: (p) => {
            progress.push(p);
            // The agent is up and sleeping: cancel now.
            if (p.message?.includes("sleeping")) controller.abort("user pressed Esc");
          },
        },
      );
      await expect(call).rejects.toThrow();
      expect(progress.some((p) => p.message?.startsWith("execute:"))).toBe(true);

      // The server carries on cleaning up after the client gave up.
      const store = new StateStore(join(state, "state.json"));
      const record = await eventually(async () => {
        const runs = Object.values((await store.read()).runs);
        return runs.length === 1 && runs[0].status === "killed" ? runs[0] : undefined;
      });
      expect(record).toMatchObject({ status: "killed", driverPid: null });
      expect(existsSync(localRunDir(state, record.id))).toBe(false);
      expect(git(repo, "log", "-1", "--format=%s", `remote-exec/${record.id}/main`).trim()).toBe(
        "partial work before the timeout",
      );
    } finally {
      await client.close();
    }
  });
});
