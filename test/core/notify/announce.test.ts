/**
 * "Which runs finished since the last time": once each, only finished ones, only this
 * repository's, sanitised and redacted; and nothing at all (not even a state file) when there is
 * no news.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hookOutput } from "../../../src/cli/commands/hook.js";
import { announcementText, takeAnnouncements } from "../../../src/core/notify/announce.js";
import { finishedRun, recordRuns } from "../../support/finished-run.js";
import { cleanup, makeRepo, tempDir } from "../../support/repo.js";

const dirs: string[] = [];
afterAll(() => cleanup(...dirs.splice(0)));
const fresh = () => {
  const repo = makeRepo();
  const state = tempDir("ar-announce-");
  dirs.push(repo, state);
  return { repo, state };
};

describe("takeAnnouncements", () => {
  it("announces each finished run of this repository once, from a subdirectory too", async () => {
    const { repo, state } = fresh();
    const store = await recordRuns(
      state,
      finishedRun(repo, "r-done"),
      finishedRun(repo, "r-running", { status: "running", endedAt: null, summary: null }),
      finishedRun(`${repo}-sibling`, "r-sibling"),
    );
    const first = await takeAnnouncements(store, join(repo, "src"));
    expect(first.map((a) => a.runId)).toEqual(["r-done"]);
    expect(await takeAnnouncements(store, repo)).toEqual([]);
    // The running one is announced once it has finished.
    await store.patchRun("r-running", { status: "failed", exitCode: 3, endedAt: new Date().toISOString() });
    const later = await takeAnnouncements(store, repo);
    expect(later.map((a) => a.line)).toEqual([
      'Run r-running (auto "write the parser") failed (agent exit 3), its results are not home yet.',
    ]);
    expect(later[0].next).toEqual(["amplihack-remote retrieve r-running"]);
  });

  it("shows no escape sequence from the VM and no credential from the prompt", async () => {
    const { repo, state } = fresh();
    const key = `sk-ant-api03-${"Zq8".repeat(30)}AA`;
    const run = finishedRun(repo, "r-evil", { promptPreview: `use ${key}` });
    run.summary!.next = ["git merge remote-exec/r-evil/\x1b]0;owned\x07main"];
    const [a] = await takeAnnouncements(await recordRuns(state, run), repo, { ANTHROPIC_API_KEY: key });
    const text = announcementText([a]);
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toContain("git merge remote-exec/r-evil/main");
  });

  it("says nothing and writes nothing when there is no news", async () => {
    const { repo, state } = fresh();
    const env = { AMPLIHACK_REMOTE_STATE_DIR: state };
    expect(await hookOutput("session-start", JSON.stringify({ cwd: repo }), env)).toBe("");
    expect(existsSync(join(state, "state.json"))).toBe(false);
  });

  it("hands Claude Code the news as the event's additional context", async () => {
    const { repo, state } = fresh();
    await recordRuns(state, finishedRun(repo, "r-news"));
    const out = await hookOutput("user-prompt-submit", JSON.stringify({ cwd: repo }), {
      AMPLIHACK_REMOTE_STATE_DIR: state,
    });
    const parsed = JSON.parse(out);
    expect(parsed.hookSpecificOutput.hookEventName).toBe("UserPromptSubmit");
    expect(parsed.hookSpecificOutput.additionalContext).toContain("git merge remote-exec/r-news/main");
  });
});
