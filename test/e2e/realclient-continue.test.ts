/**
 * Continuing a run resumes the agent's own conversation: the real Claude Code as the agent on a
 * kept azlin-shaped VM (across a real sshd, through the amplihack stand-in), with a scripted model.
 * The first `fix` run commits a file; `continue` sends `--continue` after amplihack's `--`, and the
 * model's first request of the second run carries the first run's conversation. On a VM where that
 * conversation is not, the argument is taken out and Claude Code starts afresh.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import { continueRun } from "../../src/core/continue/continue-run.js";
import type { RunOptionsInput } from "../../src/core/options.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { clientBinary } from "../plugin/support.js";
import { useAzlinRuns } from "../support/azlin-run.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import { commitSteps, OFFLINE, realAgentSetup, says } from "../support/real-agent.js";
import { git } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const claude = clientBinary("claude", "the real-agent scenarios need it");
const sshd = claude ? await sshdForTests() : null;
afterAll(() => sshd?.stop());

describe.skipIf(!claude)(
  "continue resumes the real Claude Code's conversation on a kept VM (ssh mode)",
  () => {
    const { test, setup } = useAzlinRuns({ ssh: sshd, skip: !sshd });

    test("fix, then continue on its kept VM: --continue, and the first run's conversation reaches the model", async () => {
      const mock = await startMockAnthropic([
        ...commitSteps(says("/amplihack:fix make the first part"), "first.txt", "first"),
        ...commitSteps(says("/amplihack:fix now the second part"), "second.txt", "second"),
      ]);
      try {
        const { env, vm } = realAgentSetup(mock);
        const ctx = await setup(env, vm);
        const base = { target: "azlin", forwardEnv: Object.keys(OFFLINE), keepVm: true } as const;
        const first = await executeRun(ctx.deps, {
          ...base,
          command: "fix",
          prompt: "make the first part",
        } as RunOptionsInput);
        expect(first.status).toBe("succeeded");
        const seenBefore = mock.requests.length;

        const { summary, chain } = await continueRun(ctx.deps, first.runId, {
          ...base,
          prompt: "now the second part",
        });
        const agentLog = readFileSync(join(summary.logsDir ?? "", "agent.log"), "utf8");
        expect(summary.status, agentLog).toBe("succeeded");
        expect(chain).toEqual([first.runId, summary.runId]);
        expect(summary.vm).toBe(first.vm);
        expect(mock.unusedSteps()).toEqual([]);
        expect(
          summary.branches.map((b) => b.runRef),
          JSON.stringify(summary),
        ).toEqual([`refs/remotes/remote-exec/${summary.runId}/main`]);
        // Both files: the second run started from the first one's result.
        expect(git(ctx.repo, "show", `remote-exec/${summary.runId}/main:first.txt`)).toBe("first\n");
        expect(git(ctx.repo, "show", `remote-exec/${summary.runId}/main:second.txt`)).toBe("second\n");
        // amplihack handed Claude Code --continue (the RUN's command, fix, was kept)...
        const standin = readFileSync(
          join(ctx.fake.vmHome(first.vm ?? ""), ".amplihack-standin.jsonl"),
          "utf8",
        )
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { argv: string[] });
        expect(standin.map((s) => s.argv)).toEqual([
          ["claude", "--", "-p", "/amplihack:fix make the first part"],
          ["claude", "--", "--continue", "-p", "/amplihack:fix now the second part"],
        ]);
        // ...and the second run's conversation began with the first one's.
        const resumed = mock.requests.slice(seenBefore).find((r) => r.step === "write second.txt");
        expect(resumed?.body?.messages.length).toBeGreaterThan(2);
        expect(JSON.stringify(resumed?.body?.messages)).toContain("make the first part");
        expect(JSON.stringify(resumed?.body?.messages)).toContain("Committed first.txt.");
        // The carried-over conversation points at this run's workspace, not the first run's, so
        // the resumed agent edits where its work is collected.
        expect(JSON.stringify(resumed?.body?.messages)).not.toContain(`/runs/${first.runId}/workspace`);
        expect(JSON.stringify(resumed?.body?.messages)).toContain(
          `/runs/${summary.runId}/workspace/first.txt`,
        );
      } finally {
        await mock.close();
      }
    });
  },
);
