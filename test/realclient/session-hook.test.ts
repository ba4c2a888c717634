/**
 * The plugin's session hook run by the real Claude Code: a detached run of this repository
 * finished while no session was open; the next session's first request to the model already says
 * so (summary line and merge command), and the session after that does not say it again.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clientBinary, ROOT } from "../plugin/support.js";
import { runClaude } from "../support/claude-session.js";
import { finishedRun, recordRuns } from "../support/finished-run.js";
import {
  isMainTurn,
  type MockAnthropic,
  requestText,
  startMockAnthropic,
} from "../support/mock-anthropic.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";

const claude = clientBinary("claude", "the session hook scenario needs it");
const RUN = "20261202-001122-hook1";

describe.skipIf(!claude)("the session hook, run by the real Claude Code", { timeout: 300_000 }, () => {
  const dirs: string[] = [];
  let mock: MockAnthropic | undefined;
  afterAll(async () => {
    await mock?.close();
    cleanup(...dirs.splice(0));
  });

  it("shows a run that finished since the last session to the model at session start, once", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-hook-state-");
    const home = tempDir("ar-hook-home-");
    dirs.push(repo, state, home);
    const other = finishedRun("/somewhere/else", "20261202-001122-other");
    await recordRuns(state, finishedRun(repo, RUN), other);
    const session = async () => {
      mock = await startMockAnthropic([
        { name: "answer", when: isMainTurn, reply: [{ type: "text", text: "Noted." }] },
      ]);
      const s = await runClaude({
        mock,
        home,
        cwd: repo,
        prompt: "what is new?",
        args: ["--plugin-dir", ROOT],
        env: { AMPLIHACK_REMOTE_STATE_DIR: state },
      });
      expect(s.code, s.stderr).toBe(0);
      const first = mock.requests.find((r) => r.body && isMainTurn(r.body));
      await mock.close();
      mock = undefined;
      return requestText(first!.body!);
    };

    const seen = await session();
    expect(seen).toContain(
      `Run ${RUN} (auto "write the parser") succeeded (agent exit 0), 1 new commit(s) in remote-exec/${RUN}/main, agent spent $0.432.`,
    );
    expect(seen).toContain(`git merge remote-exec/${RUN}/main`);
    expect(seen).not.toContain(other.id); // another repository's run is not this session's news

    const stored = JSON.parse(readFileSync(join(state, "state.json"), "utf8"));
    expect(stored.runs[RUN].announcedAt).toEqual(expect.any(String));
    expect(stored.runs[other.id].announcedAt).toBeNull();

    const again = await session();
    expect(again).not.toContain(RUN);
  });
});
