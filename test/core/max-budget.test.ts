/**
 * --max-budget-usd: checked by the run options' schema, forwarded to Claude Code after amplihack's
 * `--` (never to a custom agent), and what the agent reports spending read back from its log.
 */
import { describe, expect, it } from "vitest";
import { agentInvocation } from "../../src/core/agent-invocation.js";
import { runOptionsSchema } from "../../src/core/options.js";
import { agentSpendFromLog } from "../../src/core/plan/agent-spend.js";
import { formatSummary } from "../../src/core/workflow/summary.js";

const base = { command: "auto" as const, prompt: "do it" };

describe("--max-budget-usd", () => {
  it("is a positive number of dollars, refused with the flag's name otherwise", () => {
    expect(runOptionsSchema.parse({ ...base, maxBudgetUsd: 2.5 }).maxBudgetUsd).toBe(2.5);
    expect(runOptionsSchema.parse(base).maxBudgetUsd).toBeUndefined();
    for (const bad of [0, -1, Number.NaN, 20_000]) {
      const r = runOptionsSchema.safeParse({ ...base, maxBudgetUsd: bad });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0].message).toContain("--max-budget-usd");
    }
  });

  it("reaches Claude Code after amplihack's `--`, next to --model, for every COMMAND", () => {
    const auto = agentInvocation({ ...base, maxTurns: 3, model: "sonnet", maxBudgetUsd: 1.5 }).argv;
    expect(auto.slice(auto.indexOf("--"))).toEqual([
      "--",
      ...["--model", "sonnet", "--max-budget-usd", "1.5", "-p", "do it"],
    ]);
    const fix = agentInvocation({ command: "fix", prompt: "x", maxTurns: 3, maxBudgetUsd: 0.25 }).argv;
    expect(fix).toEqual(["amplihack", "claude", "--", "--max-budget-usd", "0.25", "-p", "/amplihack:fix x"]);
  });

  it("is not handed to a custom agent, which has no known spelling for it", () => {
    const custom = agentInvocation({ ...base, maxTurns: 3, maxBudgetUsd: 1, agentCommand: ["./a.sh"] });
    expect(custom.argv).toEqual(["./a.sh", "do it"]);
  });
});

describe("what the agent spent", () => {
  it("sums the total_cost_usd of every result event, and ignores look-alikes", () => {
    const log = [
      "turn 1",
      JSON.stringify({ type: "result", subtype: "success", total_cost_usd: 0.1234 }),
      `[amplihack] ${JSON.stringify({ type: "result", total_cost_usd: 0.5 })}`,
      JSON.stringify({ type: "assistant", total_cost_usd: 99 }),
      '{"type":"result","total_cost_usd":"1e9"}',
      '{"type":"result","total_cost_usd":-3}',
      '{"type":"result","total_cost_usd": 1, broken',
    ].join("\n");
    expect(agentSpendFromLog(log)).toBe(0.6234);
    expect(agentSpendFromLog("plain text only\n")).toBeNull();
  });

  it("shows in the summary when reported, and not otherwise", () => {
    const summary = {
      runId: "r1",
      status: "succeeded" as const,
      exitCode: 0,
      target: "local",
      vm: null,
      durationSeconds: 3,
      branches: [],
      logsDir: null,
      agentTail: "",
      release: null,
      next: [],
      warnings: [],
    };
    expect(formatSummary({ ...summary, agentSpendUsd: 0.6234 })).toContain("Agent spend: $0.623");
    expect(formatSummary(summary)).not.toContain("Agent spend");
    // With the cap the agent was given: spend against it, or the cap alone when nothing was reported.
    expect(formatSummary({ ...summary, agentSpendUsd: 0.6234, agentBudgetUsd: 2 })).toMatch(
      /Agent spend: \$0\.623\d* of the \$2[.0]* cap/,
    );
    expect(formatSummary({ ...summary, agentBudgetUsd: 2 })).toMatch(
      /not reported by the agent \(capped at \$2/,
    );
  });
});
