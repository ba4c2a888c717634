/**
 * The watcher (watch.sh) looks at the run at each turn of its loop, and the runner (runner.sh)
 * wakes it at each change of phase, so the agent's exit is seen as it happens rather than a turn
 * later. Here the turn is held at 600 s: only the runner's wake can bring the run home, over the
 * one stream that started it (a watcher that slept through it would be found silent and reopened).
 * Local target: real bash, git, tar and the real scripts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
const held = process.env.AR_WATCH_IDLE_SECONDS;
afterEach(() => {
  cleanup(...dirs.splice(0));
  if (held === undefined) delete process.env.AR_WATCH_IDLE_SECONDS;
  else process.env.AR_WATCH_IDLE_SECONDS = held;
});

describe("the watcher is woken by the runner", () => {
  it("follows a run through its phases to its end without a turn of its own", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    process.env.AR_WATCH_IDLE_SECONDS = "600";
    const { deps, events } = localDeps(repo, state);

    const summary = await executeRun(deps, localOptions("woken"));

    expect(summary.status).toBe("succeeded");
    expect(summary.branches[0]?.newCommits.map((c) => c.subject)).toEqual(["agent commit"]);
    const follow = events.filter((e) => e.stage === "execute").map((e) => e.message);
    expect(follow.filter((m) => /reconnecting|polling/.test(m))).toEqual([]);
    expect(follow.some((m) => m.startsWith("running"))).toBe(true);
    expect(follow.some((m) => m.startsWith("done"))).toBe(true);
  });
});
