/**
 * The hook's quick look (core/notify/quick-look.ts) says "none" only when the careful reading
 * would announce nothing: on every kind of record and state file, its answer is checked against
 * takeAnnouncements itself.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { announceForSession } from "../../../src/core/notify/announce.js";
import { quickLook } from "../../../src/core/notify/quick-look.js";
import type { RunRecord } from "../../../src/state/run-record.js";
import { finishedRun, recordRuns } from "../../support/finished-run.js";
import { cleanup, makeRepo, tempDir } from "../../support/repo.js";

const dirs: string[] = [];
afterAll(() => cleanup(...dirs.splice(0)));

const cases: [string, (repo: string) => RunRecord[]][] = [
  ["no run at all", () => []],
  [
    "a finished run, announced",
    (repo) => [finishedRun(repo, "a", { announcedAt: new Date().toISOString() })],
  ],
  ["a running run", (repo) => [finishedRun(repo, "b", { status: "running", endedAt: null, summary: null })]],
  ["a queued run", (repo) => [finishedRun(repo, "q", { status: "queued", endedAt: null, summary: null })]],
  ["another repository's finished run", (repo) => [finishedRun(`${repo}-other`, "c")]],
  ["a finished run of this repository", (repo) => [finishedRun(repo, "d")]],
  [
    "a run that failed before it started",
    (repo) => [finishedRun(repo, "e", { status: "error", summary: null })],
  ],
  ["a blocked run", (repo) => [finishedRun(repo, "f", { status: "blocked", summary: null })]],
];

describe("the hook's quick look agrees with the announcement", () => {
  for (const [what, records] of cases) {
    it(what, async () => {
      const repo = makeRepo();
      const state = tempDir("ar-quick-");
      dirs.push(repo, state);
      if (records(repo).length > 0) await recordRuns(state, ...records(repo));
      const env = { AMPLIHACK_REMOTE_STATE_DIR: state };
      const quick = await quickLook(join(repo, "src"), env);
      const text = await announceForSession(join(repo, "src"), env);
      expect(quick).toBe(text === "" ? "none" : "maybe");
    });
  }

  it("a state file it cannot read as runs is 'maybe': the full hook reports it", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-quick-");
    dirs.push(repo, state);
    mkdirSync(state, { recursive: true });
    const env = { AMPLIHACK_REMOTE_STATE_DIR: state };
    for (const text of ["{not json", '{"runs": 3}', "[]"]) {
      writeFileSync(join(state, "state.json"), text);
      expect(await quickLook(repo, env)).toBe("maybe");
    }
  });

  it("reads the plugin's state directory and the terminal's, as the announcement does", async () => {
    const repo = makeRepo();
    const plugin = tempDir("ar-quick-plugin-");
    const xdg = tempDir("ar-quick-xdg-");
    dirs.push(repo, plugin, xdg);
    const env = { CLAUDE_PLUGIN_DATA: plugin, XDG_STATE_HOME: xdg };
    expect(await quickLook(repo, env)).toBe("none");
    await recordRuns(join(xdg, "amplihack-remote"), finishedRun(repo, "from-terminal"));
    expect(await quickLook(repo, env)).toBe("maybe");
  });
});
