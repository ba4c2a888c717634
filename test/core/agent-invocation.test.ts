/**
 * The exact argv of the default agent per COMMAND (why each part: src/core/agent-invocation.ts).
 * test/realclient/agent-on-vm.test.ts runs these through an amplihack-rs stand-in and the real
 * Claude Code; this pins all four and the custom agent.
 */
import { describe, expect, it } from "vitest";
import { agentInvocation } from "../../src/core/agent-invocation.js";

const argv = (input: Parameters<typeof agentInvocation>[0]) => agentInvocation(input).argv;

describe("agentInvocation", () => {
  it("auto is amplihack's auto mode, whose turns --max-turns counts", () => {
    const autoMode = "amplihack claude --auto --max-turns 7 --".split(" ");
    expect(argv({ command: "auto", prompt: "do it", maxTurns: 7 })).toEqual([...autoMode, "-p", "do it"]);
    expect(argv({ command: "auto", prompt: "do it", maxTurns: 7, model: "sonnet" })).toEqual([
      ...autoMode,
      ...["--model", "sonnet", "-p", "do it"],
    ]);
  });

  it("the other COMMANDs are amplihack's slash commands in one session, never with Claude Code's --max-turns", () => {
    for (const command of ["ultrathink", "analyze", "fix"] as const) {
      const a = argv({ command, prompt: "the bug", maxTurns: 1, model: "claude-sonnet-4-5" });
      expect(a).toEqual([
        "amplihack",
        "claude",
        "--",
        "--model",
        "claude-sonnet-4-5",
        "-p",
        `/amplihack:${command} the bug`,
      ]);
      expect(a).not.toContain("--max-turns");
    }
  });

  it("a custom agent gets the prompt as its last argument, byte for byte", () => {
    const r = agentInvocation({
      command: "fix",
      prompt: "a 'b' $(c)\n",
      maxTurns: 3,
      agentCommand: ["node", "a.mjs"],
    });
    expect(r).toEqual({ argv: ["node", "a.mjs", "a 'b' $(c)\n"], isDefaultAgent: false });
  });
  it("a continued run asks Claude Code to continue its conversation, except in auto mode's staged turns", () => {
    expect(argv({ command: "fix", prompt: "more", maxTurns: 1, continueFrom: "r1" })).toEqual([
      ..."amplihack claude -- --continue -p".split(" "),
      "/amplihack:fix more",
    ]);
    expect(argv({ command: "auto", prompt: "more", maxTurns: 3, continueFrom: "r1" })).not.toContain(
      "--continue",
    );
    expect(
      argv({ command: "fix", prompt: "more", maxTurns: 1, agentCommand: ["./a"], continueFrom: "r1" }),
    ).toEqual(["./a", "more"]);
  });
});
