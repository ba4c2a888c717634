/**
 * The real Claude Code as the agent on a fake azlin VM, across a real sshd as the VM's own
 * non-root user, under exactly the argv our COMMAND mapping produces, through an `amplihack`
 * stand-in that follows amplihack-rs's launcher (test/fixtures/agents/amplihack-bin/amplihack).
 * The VM is shaped like azlin's: amplihack on the PATH, Claude Code in ~/.local/bin (off the
 * non-interactive PATH), the provisioning ledger. The scripted model writes a file with Write and
 * commits it with Bash; the commit must come home in remote-exec/.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import type { RunOptionsInput } from "../../src/core/options.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { clientBinary } from "../plugin/support.js";
import { useAzlinRuns } from "../support/azlin-run.js";
import {
  lastMessageText,
  type MockAnthropic,
  type Step,
  startMockAnthropic,
} from "../support/mock-anthropic.js";
import { commitSteps, OFFLINE, realAgentSetup, says } from "../support/real-agent.js";
import { git } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const claude = clientBinary("claude", "the real-agent scenarios need it");
const sshd = claude ? await sshdForTests() : null;
afterAll(() => sshd?.stop());

// Four Claude Code sessions over ssh per run: minutes on a busy machine, within the suite's bound.
describe.skipIf(!claude)("Claude Code as the agent on an azlin-shaped VM (ssh mode)", () => {
  const { test, setup } = useAzlinRuns({ ssh: sshd, skip: !sshd });
  let mock: MockAnthropic | undefined;
  afterAll(() => mock?.close());

  async function run(steps: Step[], options: Partial<RunOptionsInput>) {
    mock = await startMockAnthropic(steps);
    const { env, vm } = realAgentSetup(mock);
    const ctx = await setup(env, vm);
    const summary = await executeRun(ctx.deps, {
      command: "auto",
      prompt: "greet",
      target: "azlin",
      forwardEnv: Object.keys(OFFLINE),
      keepVm: true, // the stand-in's record of its argv is in the VM's home
      ...options,
    } as RunOptionsInput);
    const logs = (name: string) => readFileSync(join(summary.logsDir ?? "", name), "utf8");
    const standin = () =>
      readFileSync(join(ctx.fake.vmHome(summary.vm ?? ""), ".amplihack-standin.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { argv: string[] });
    return { ...ctx, summary, logs, standin, mock };
  }

  test("auto --max-turns 3 --model sonnet: auto mode's turns, the last one commits", async () => {
    const steps: Step[] = [
      {
        name: "clarify",
        when: says("clarify the objective"),
        reply: (r) => [
          { type: "text", text: `Objective: ${lastMessageText(r).split("User Request:\n")[1]}` },
        ],
      },
      {
        name: "plan",
        when: says("Create an execution plan"),
        reply: [{ type: "text", text: "Plan: write greeting.txt and commit it." }],
      },
      ...commitSteps(says("Execute the next part of the plan"), "greeting.txt", "Add greeting"),
      {
        name: "evaluate",
        when: says("Evaluate if the objective"),
        reply: [{ type: "text", text: "auto-mode EVALUATION: COMPLETE" }],
      },
    ];
    const { summary, repo, standin, logs } = await run(steps, { maxTurns: 3, model: "sonnet" });

    expect(summary.status, logs("agent.log")).toBe("succeeded");
    expect(mock?.unusedSteps()).toEqual([]);
    expect(git(repo, "show", "remote-exec/main:greeting.txt")).toBe("Add greeting\n");
    const [top, ...turns] = standin();
    expect(top.argv).toEqual([
      "claude",
      "--auto",
      "--max-turns",
      "3",
      "--",
      "--model",
      "sonnet",
      "-p",
      "greet",
    ]);
    // Clarify, Plan, Execute, Evaluate: each a Claude Code of its own with our --model kept.
    expect(turns).toHaveLength(4);
    for (const t of turns)
      expect(t.argv.slice(0, 6)).toEqual([
        "claude",
        "--no-reflection",
        "--subprocess-safe",
        "--",
        "--model",
        "sonnet",
      ]);
    const models = new Set(mock?.requests.filter((r) => r.step).map((r) => r.body?.model));
    expect([...models].every((m) => /sonnet/.test(m ?? ""))).toBe(true);
    // The VM was checked before the run: azlin's ledger, and claude found in ~/.local/bin.
    expect(logs("runner.log")).toContain("ensure-tooling: azlin provisioning: ok");
    expect(logs("runner.log")).toMatch(/ensure-tooling: claude: \S+\/\.local\/bin\/claude/);
  });

  test("fix --max-turns 1: one Claude Code session runs the workflow to its end (not one model call)", async () => {
    const steps = commitSteps(says("/amplihack:fix"), "fixed.txt", "Fix it");
    const { summary, repo, standin, logs } = await run(steps, {
      command: "fix",
      prompt: "make it pass",
      maxTurns: 1,
    });

    expect(summary.status, logs("agent.log")).toBe("succeeded");
    expect(mock?.unusedSteps()).toEqual([]);
    expect(git(repo, "show", "remote-exec/main:fixed.txt")).toBe("Fix it\n");
    expect(standin().map((s) => s.argv)).toEqual([["claude", "--", "-p", "/amplihack:fix make it pass"]]);
    // amplihack's default model, since none was asked for.
    const models = new Set(mock?.requests.filter((r) => r.step).map((r) => r.body?.model));
    expect([...models].every((m) => /opus/.test(m ?? ""))).toBe(true);
    expect(dirname(summary.logsDir ?? "")).toContain(".claude/runtime/logs/remote");
  });
});
