/**
 * Following a detached run to its end with the tools the slash command uses: remote_status,
 * remote_output, remote_kill and retrieve_results, on the local target.
 */
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { git } from "../support/repo.js";
import {
  type Connected,
  connect,
  errorCodeOf,
  eventually,
  localRunDir,
  RECORDING_AGENT,
  textOf,
} from "./support.js";

let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
});

const start = async (prompt: string) => {
  const r = await mcp!.call("remote_execute", {
    command: "auto",
    prompt,
    target: "local",
    agentCommand: [RECORDING_AGENT],
  });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { runId: string }).runId;
};

interface RunJson {
  runId: string;
  status: string;
  phase: string | null;
  retrieved: boolean;
  summary: { status: string; next: string[]; branches: { newCommits: { subject: string }[] }[] } | null;
}

const statusOf = async (runId: string) => {
  const r = await mcp!.call("remote_status", { runId });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return { run: (r.structuredContent as { runs: RunJson[] }).runs[0], text: textOf(r) };
};

describe("a detached run, followed with the tools", () => {
  it("polls to the end: status brings the results home, retrieve_results returns the same summary again", async () => {
    mcp = await connect();
    const runId = await start("write the notes");
    const done = await eventually(async () => {
      const s = await statusOf(runId);
      return s.run.status === "running" || s.run.status === "pending" ? undefined : s;
    });
    expect(done.run).toMatchObject({ status: "succeeded", summary: expect.any(Object) });
    expect(done.run.summary?.next).toEqual(["git merge remote-exec/main"]);
    expect(done.text).toContain("To merge:");

    const first = await mcp.call("retrieve_results", { runId });
    const second = await mcp.call("retrieve_results", { runId });
    expect(first.isError).toBeFalsy();
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(first.structuredContent).toMatchObject({
      runId,
      status: "succeeded",
      next: ["git merge remote-exec/main"],
    });
    expect(textOf(first)).toContain(`Run ${runId} succeeded`);
    expect(git(mcp.repo, "show", "remote-exec/main:notes.txt")).toBe("write the notes\n");

    const output = await mcp.call("remote_output", { runId, lines: 5 });
    expect(output.structuredContent).toMatchObject({ runId, source: "retrieved-logs" });
    expect(textOf(output)).toContain("done");

    const all = await mcp.call("remote_status", {});
    expect((all.structuredContent as { runs: RunJson[] }).runs.map((r) => r.runId)).toEqual([runId]);
  });

  it("kills a running agent; its partial work still comes home", async () => {
    mcp = await connect();
    const runId = await start("slow work");
    await eventually(async () => ((await statusOf(runId)).run.phase === "running" ? true : undefined));
    // The agent is running (its log says so) before it is stopped.
    await eventually(async () =>
      textOf(await mcp!.call("remote_output", { runId })).includes("sleeping") ? true : undefined,
    );

    const killed = await mcp.call("remote_kill", { runId });
    expect(killed.isError).toBeFalsy();
    expect(killed.structuredContent).toMatchObject({ runId, status: "killed" });
    expect(textOf(killed)).toContain("retrieve_results");

    const retrieved = await mcp.call("retrieve_results", { runId });
    expect(retrieved.isError).toBeFalsy();
    expect(retrieved.structuredContent).toMatchObject({ status: "killed" });
    const summary = retrieved.structuredContent as { branches: { newCommits: { subject: string }[] }[] };
    expect(summary.branches[0].newCommits.map((c) => c.subject)).toEqual(["partial work before the timeout"]);
    expect(existsSync(localRunDir(mcp.state, runId))).toBe(false);
  });

  it("refuses to retrieve a run that is still going, and says what to do", async () => {
    mcp = await connect();
    const runId = await start("slow again");
    const r = await mcp.call("retrieve_results", { runId, keepVm: false });
    expect(r.isError).toBe(true);
    expect(errorCodeOf(r)).toBe("usage");
    expect(textOf(r)).toMatch(/still (running|pending)/);
    expect(textOf(r)).toContain("→ Wait for it");
    await eventually(async () => ((await statusOf(runId)).run.phase === "running" ? true : undefined));
    await eventually(async () =>
      textOf(await mcp!.call("remote_output", { runId })).includes("sleeping") ? true : undefined,
    );
    await mcp.call("remote_kill", { runId });
  });

  it("answers an unknown run id with run-not-found and how to list runs", async () => {
    mcp = await connect();
    for (const tool of ["remote_status", "remote_output", "retrieve_results", "remote_kill"]) {
      const r = await mcp.call(tool, { runId: "20990101-000000-beef" });
      expect(r.isError, tool).toBe(true);
      expect(errorCodeOf(r), tool).toBe("run-not-found");
      expect(textOf(r), tool).toBe(
        "No run 20990101-000000-beef is known here.\n  → List runs with `amplihack-remote status`.",
      );
    }
  });

  it("says there are no runs yet", async () => {
    mcp = await connect();
    const r = await mcp.call("remote_status");
    expect(r.structuredContent).toEqual({
      runs: [],
      changed: false,
      waitedSeconds: 0,
      next: ["remote_execute starts a run"],
    });
    expect(textOf(r)).toContain("No runs yet");
  });
});
