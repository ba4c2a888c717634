/**
 * Continuing a run resumes the agent's own conversation: the real Claude Code as the agent on a
 * kept azlin-shaped VM (across a real sshd, through the amplihack stand-in), with a scripted model.
 * The first `fix` run commits a file; `continue` sends `--continue` after amplihack's `--`, and the
 * model's first request of the second run carries the first run's conversation. On a VM where that
 * conversation is not, the argument is taken out and Claude Code starts afresh.
 */
import { readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect } from "vitest";
import { continueRun } from "../../src/core/continue/continue-run.js";
import type { RunOptionsInput } from "../../src/core/options.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { clientBinary } from "../plugin/support.js";
import { useAzlinRuns } from "../support/azlin-run.js";
import { CLAUDE_BIN } from "../support/claude-session.js";
import {
  lastMessageText,
  lastToolResults,
  type MessagesRequest,
  requestText,
  type Step,
  startMockAnthropic,
} from "../support/mock-anthropic.js";
import { git } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const claude = clientBinary("claude", "the real-agent scenarios need it");
const sshd = claude ? await sshdForTests() : null;
afterAll(() => sshd?.stop());

const AMPLIHACK_BIN = resolve("test/fixtures/agents/amplihack-bin");
const OFFLINE = {
  DISABLE_AUTOUPDATER: "1",
  DISABLE_TELEMETRY: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
};

/** This session's working directory: the last one named (a resumed conversation names the old one first). */
const cwdOf = (r: MessagesRequest) => {
  const all = [...requestText(r).matchAll(/Primary working directory: (\/\S+)/g)];
  if (all.length === 0) throw new Error("the request names no working directory");
  return all[all.length - 1][1];
};

/** Write a file and commit it: the model calls of one piece of work, after `when`. */
function commitSteps(tag: string, when: (r: MessagesRequest) => boolean): Step[] {
  return [
    {
      name: `write ${tag}`,
      when,
      reply: (r) => [
        {
          type: "tool_use",
          name: "Write",
          input: { file_path: join(cwdOf(r), `${tag}.txt`), content: `${tag}\n` },
        },
      ],
    },
    {
      name: `commit ${tag}`,
      when: (r) => lastToolResults(r).some((t) => t.name === "Write" && !t.isError),
      reply: (r) => [
        {
          type: "tool_use",
          name: "Bash",
          input: {
            command: `cd ${cwdOf(r)} && git add ${tag}.txt && git commit -q -m ${tag}`,
            description: "commit",
          },
        },
      ],
    },
    {
      name: `report ${tag}`,
      when: (r) => lastToolResults(r).some((t) => t.name === "Bash"),
      reply: [{ type: "text", text: `Committed ${tag}.txt.` }],
    },
  ];
}

const asks = (needle: string) => (r: MessagesRequest) =>
  (r.tools ?? []).length > 0 && lastMessageText(r).includes(needle);

describe.skipIf(!claude)(
  "continue resumes the real Claude Code's conversation on a kept VM (ssh mode)",
  () => {
    const { test, setup } = useAzlinRuns({ ssh: sshd, skip: !sshd });

    test("fix, then continue on its kept VM: --continue, and the first run's conversation reaches the model", async () => {
      const mock = await startMockAnthropic([
        ...commitSteps("first", asks("/amplihack:fix make the first part")),
        ...commitSteps("second", asks("/amplihack:fix now the second part")),
      ]);
      try {
        const env = { ANTHROPIC_API_KEY: mock.apiKey, ANTHROPIC_BASE_URL: mock.url, ...OFFLINE };
        const ctx = await setup(env, { vmPath: [AMPLIHACK_BIN], claude: realpathSync(CLAUDE_BIN) });
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
        const resumed = mock.requests.slice(seenBefore).find((r) => r.step === "write second");
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
