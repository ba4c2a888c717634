/**
 * `status --watch`: a detached run started from one terminal is waited for from another, brought
 * home, announced once, and its summary handed to the notify command on stdin.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("amplihack-remote status --watch", () => {
  it("waits for the run to end, brings it home, and runs the notify command with its summary on stdin", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-watch-state-");
    const out = tempDir("ar-watch-out-");
    dirs.push(repo, state, out);
    const env = { AMPLIHACK_REMOTE_STATE_DIR: state, AMPLIHACK_REMOTE_POLL_SECONDS: "0.3" };
    const started = await runCli(
      ["start", "--target", "local", "--agent-command", RECORDING_AGENT, "--json", "write it"],
      { cwd: repo, env },
    );
    expect(started.code, started.stderr).toBe(0);
    const runId = JSON.parse(started.stdout).runs[0].runId as string;

    const notified = join(out, "summary.json");
    const watched = await runCli(["status", "--watch", "--notify-command", `cat > '${notified}'`], {
      cwd: repo,
      env,
    });
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toContain(`Run ${runId} (auto "write it") succeeded`);
    expect(watched.stdout).toContain(`remote-exec/${runId}/main`);
    // Home before it was announced: the commit is in the run's refs.
    expect(git(repo, "log", "-1", "--format=%s", `remote-exec/${runId}/main`).trim()).toBe("agent commit");
    const payload = JSON.parse(readFileSync(notified, "utf8"));
    expect(payload).toMatchObject({ runId, status: "succeeded", summary: { runId, status: "succeeded" } });

    // Announced once: the next watch has nothing to wait for.
    const again = await runCli(["status", "--watch"], { cwd: repo, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No run is running");
  });
});
