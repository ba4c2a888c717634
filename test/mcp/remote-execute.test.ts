/**
 * remote_execute on the local target with the recording agent: the whole run inside the call
 * (wait: true) with progress, a detached start, and errors with their remedies.
 */
import fs from "node:fs";
import path from "node:path";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { git, tempDir, write } from "../support/repo.js";
import { type Connected, connect, errorCodeOf, eventually, RECORDING_AGENT, textOf } from "./support.js";

let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
});

const local = (prompt: string, extra: Record<string, unknown> = {}) => ({
  command: "auto",
  prompt,
  target: "local",
  agentCommand: [RECORDING_AGENT],
  ...extra,
});

describe("remote_execute, wait: true", () => {
  it("runs the task, streams increasing progress, and returns the summary with the merge command", async () => {
    mcp = await connect();
    const progress: Progress[] = [];
    const result = await mcp.call("remote_execute", local("implement it", { wait: true }), {
      onprogress: (p) => progress.push(p),
    });

    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      mode: string;
      runId: string;
      status: string;
      summary: { status: string; next: string[]; branches: { branch: string; status: string }[] };
    };
    expect(out).toMatchObject({ mode: "waited", status: "succeeded" });
    expect(out.summary.branches).toEqual([expect.objectContaining({ branch: "main", status: "updated" })]);
    expect(out.summary.next).toEqual(["git merge remote-exec/main"]);
    expect(textOf(result)).toContain("To merge:");
    expect(textOf(result)).toContain("git merge remote-exec/main");
    expect(git(mcp.repo, "rev-parse", "--verify", "remote-exec/main").trim()).toMatch(/^[0-9a-f]{40}$/);

    // Progress: every stage, strictly increasing, never past the total, each with a message.
    expect(progress.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].progress).toBeGreaterThan(progress[i - 1].progress);
    for (const p of progress) {
      expect(p.total).toBe(9);
      expect(p.progress).toBeLessThanOrEqual(9);
      expect(p.message).toBeTruthy();
    }
    const stages = progress.map((p) => p.message!.split(":")[0]);
    expect(stages).toEqual(
      expect.arrayContaining([
        "validate",
        "package",
        "acquire",
        "transfer",
        "execute",
        "retrieve",
        "release",
      ]),
    );
  });

  it("reports an agent that failed as the run's outcome, not as a tool error", async () => {
    mcp = await connect();
    const result = await mcp.call("remote_execute", local("fail on purpose", { wait: true }));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "failed", summary: { exitCode: 3 } });
    expect(textOf(result)).toContain("failed (agent exit 3)");
  });

  it("sends heartbeats while nothing else happens, so the client never waits long in silence", async () => {
    // The agent holds until three heartbeats have arrived; polls are 3 s apart, so between two
    // polls only the heartbeat (every 0.3 s) speaks. The bound on silence itself is proven on a
    // virtual clock in progress.test.ts; here the heartbeats are shown to reach a real client.
    mcp = await connect({ heartbeatMs: 300, env: { AMPLIHACK_REMOTE_POLL_SECONDS: "3" } });
    const release = path.join(tempDir(), "release");
    const progress: Progress[] = [];
    const result = await mcp.call("remote_execute", local(`hold ${release}`, { wait: true }), {
      onprogress: (p) => {
        progress.push(p);
        if (progress.filter((q) => q.message?.includes("still working")).length === 3)
          fs.writeFileSync(release, "");
      },
    });
    expect(result.isError).toBeFalsy();
    const beats = progress.filter((p) => p.message?.includes("still working"));
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats[0].message).toMatch(/^\w+: .*\(still working, .* so far\)$/);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].progress).toBeGreaterThan(progress[i - 1].progress);
  });
});

describe("remote_execute, detached (the default)", () => {
  it("returns with the run id before the launch, which goes on in a worker until the agent runs", async () => {
    mcp = await connect();
    const result = await mcp.call("remote_execute", local("slow task"));
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      mode: string;
      runId: string;
      status: string;
      vm: string;
      next: string[];
    };
    // Back after the checks and the gate; a worker process acquires, uploads and starts.
    expect(out).toMatchObject({ mode: "detached", status: "pending", phase: "queued", vm: null });
    expect(out.next.join("\n")).toContain('"waitSeconds":110');
    expect(textOf(result)).toContain(`Run ${out.runId} passed the checks`);
    await eventually(async () =>
      (await mcp!.store.getRun(out.runId))?.status === "running" ? true : undefined,
    );
    expect(await mcp.store.getRun(out.runId)).toMatchObject({
      detached: true,
      phase: null,
      vm: { name: "local" },
    });
    // The agent sleeps for two minutes: the call came back long before.
    await eventually(async () =>
      textOf(await mcp!.call("remote_output", { runId: out.runId })).includes("sleeping") ? true : undefined,
    );
    expect(await mcp.store.getRun(out.runId)).toMatchObject({ status: "running" });
    await mcp.call("remote_kill", { runId: out.runId });
  });
});

describe("remote_execute errors", () => {
  it("refuses an option out of range with the rule and a remedy, before anything starts", async () => {
    mcp = await connect();
    const result = await mcp.call("remote_execute", local("task", { maxTurns: 0 }));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("--max-turns must be between 1 and 50");
    expect(textOf(result)).toContain("→ Fix the argument");
    expect((await mcp.store.read()).runs).toEqual({});
  });

  it("says what is wrong and what to do, as the CLI does, when the directory is not a repository", async () => {
    mcp = await connect();
    const result = await mcp.call("remote_execute", local("task", { repoPath: "/", wait: true }));
    expect(result.isError).toBe(true);
    expect(errorCodeOf(result)).toBe("not-a-repo");
    expect(textOf(result)).toMatch(/^\/ is not inside a git repository\.\n {2}→ Run amplihack-remote from/);
  });

  it("blocks an upload that holds a secret, listing the finding and the way out (detached too)", async () => {
    mcp = await connect();
    write(mcp.repo, "config.py", `AWS_ACCESS_KEY_ID = "AKIA${"Q7XK2M9PLW3RTZ5V"}"\n`);
    git(mcp.repo, "add", "config.py");
    git(mcp.repo, "commit", "-q", "-m", "add config");
    const result = await mcp.call("remote_execute", local("task"));
    expect(result.isError).toBe(true);
    expect(errorCodeOf(result)).toBe("secret-found");
    expect(textOf(result)).toContain("config.py");
    expect(textOf(result)).toContain("Nothing was uploaded");
    expect(textOf(result)).toContain("→ Remove and rotate");
    const runs = Object.values((await mcp.store.read()).runs);
    expect(runs.map((r) => r.status)).toEqual(["blocked"]);
    expect(runs.every((r) => !r.startedAt)).toBe(true);
  });
});
