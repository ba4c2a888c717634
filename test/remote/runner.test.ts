/**
 * runner.sh keeps its own files out of the agent's workspace: whatever it writes while setting the
 * workspace up (its log among them) must not come home as work the agent left uncommitted.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("runner.sh", () => {
  it("logs a setup warning to the run's log, not into the workspace the agent's work is taken from", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    // A file where the machine's repository cache would go: updating the cache fails, and the
    // runner logs that while it is still inside the workspace.
    const area = join(state, "local-target", ".amplihack-remote");
    mkdirSync(area, { recursive: true });
    writeFileSync(join(area, "cache"), "not a folder\n");

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("a task"));

    expect(summary.status, JSON.stringify(summary.warnings)).toBe("succeeded");
    expect(readFileSync(join(summary.logsDir!, "runner.log"), "utf8")).toContain(
      "could not update the repository cache",
    );
    expect(summary.branches[0]?.newCommits.map((c) => c.subject)).toEqual(["agent commit"]);
  });
});

/** An agent that prints the refs its workspace holds and where HEAD is, then exits without work. */
function refsAgent(dir: string): string {
  const file = join(dir, "refs-agent.sh");
  writeFileSync(
    file,
    "#!/usr/bin/env bash\ngit for-each-ref --format='ref %(refname)'\necho \"head $(git rev-parse HEAD)\"\n",
  );
  chmodSync(file, 0o755);
  return file;
}

describe("runner.sh: the workspace it sets up", () => {
  it("holds the shipped branches and tags and none of the names the fetch from the bundle used", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    git(repo, "branch", "feature");
    git(repo, "tag", "v1");
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("a task", { agentCommand: [refsAgent(state)] }));

    expect(summary.status).toBe("succeeded");
    const log = readFileSync(join(summary.logsDir!, "agent.log"), "utf8");
    const refs = log
      .split("\n")
      .filter((l) => l.startsWith("ref "))
      .map((l) => l.slice(4));
    expect(refs).toEqual(["refs/heads/feature", "refs/heads/main", "refs/tags/v1"]);
    expect(log).toContain(`head ${git(repo, "rev-parse", "HEAD").trim()}`);
  });

  it("starts from a detached HEAD that no branch or tag holds (a bundle with nothing but HEAD)", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    git(repo, "checkout", "-q", "--detach");
    git(repo, "branch", "-q", "-D", "main");
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("a task", { agentCommand: [refsAgent(state)] }));

    expect(summary.status, JSON.stringify(summary.error)).toBe("succeeded");
    const log = readFileSync(join(summary.logsDir!, "agent.log"), "utf8");
    expect(log).toContain(`head ${git(repo, "rev-parse", "HEAD").trim()}`);
    expect(log).not.toContain("refs/amplihack-import");
  });

  it("has the machine's repository cache hold the run's refs by the time the run is done, though it updates it in the background", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const { deps } = localDeps(repo, state);
    expect((await executeRun(deps, localOptions("a task"))).status).toBe("succeeded");
    // The cache the first run made: its next update is slowed down, so a run that did not wait for
    // it would be done before its refs are in.
    const caches = join(state, "local-target", ".amplihack-remote", "cache");
    const [cache] = readdirSync(caches).filter((n) => n.endsWith(".git"));
    writeFileSync(join(caches, cache, "hooks", "pre-receive"), "#!/bin/sh\nsleep 1\n");
    chmodSync(join(caches, cache, "hooks", "pre-receive"), 0o755);

    const second = await executeRun(deps, localOptions("a task"));
    expect(second.status).toBe("succeeded");
    const refs = git(
      join(caches, cache),
      "for-each-ref",
      "--format=%(refname)",
      `refs/runs/${second.runId}/`,
    );
    expect(refs).toContain(`refs/runs/${second.runId}/heads/main`);
  });
});
