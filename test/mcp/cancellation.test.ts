/**
 * Cancelling a waited run from the client (what Claude Code does when the user presses Esc): the
 * server stops the agent, still brings its work home, releases the machine and marks the run
 * killed, although the client no longer waits for the answer.
 */
import { existsSync } from "node:fs";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { git } from "../support/repo.js";
import { type Connected, connect, eventually, localRunDir, RECORDING_AGENT } from "./support.js";

let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
});

describe("cancelling remote_execute with wait: true", () => {
  it("stops the agent mid-run, retrieves its partial work, and cleans up", async () => {
    mcp = await connect();
    const controller = new AbortController();
    const progress: Progress[] = [];
    const call = mcp.call(
      "remote_execute",
      {
        command: "auto",
        prompt: "slow and cancelled",
        target: "local",
        agentCommand: [RECORDING_AGENT],
        wait: true,
      },
      {
        signal: controller.signal,
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
    const record = await eventually(async () => {
      const runs = Object.values((await mcp!.store.read()).runs);
      return runs.length === 1 && runs[0].status === "killed" ? runs[0] : undefined;
    });
    // "killed", not "succeeded": the agent's 120 s sleep was cut short by the cancel.
    expect(record).toMatchObject({ status: "killed", summary: expect.any(Object), driverPid: null });
    expect(existsSync(localRunDir(mcp.state, record.id))).toBe(false);
    expect(git(mcp.repo, "log", "-1", "--format=%s", `remote-exec/${record.id}/main`).trim()).toBe(
      "partial work before the timeout",
    );
  });
});
