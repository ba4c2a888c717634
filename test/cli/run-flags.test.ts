/**
 * The CLI's run flags and the MCP tool's arguments are generated from core/options.ts: every
 * field of the schema (today's and any added later) is a flag and a tool argument, and the
 * defaults come from the schema alone.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addRunFlags, runOptionsFromFlags } from "../../src/cli/run-flags.js";
import { flagOf, POSITIONAL, type RunOptionKey } from "../../src/core/option-docs.js";
import { runOptionsSchema, runOptionsShape } from "../../src/core/options.js";
import { remoteExecute } from "../../src/mcp/tools/remote-execute.js";

const keys = Object.keys(runOptionsShape) as RunOptionKey[];
const parse = (args: string[]) => {
  const command = addRunFlags(new Command("exec").exitOverride());
  command.parse(args, { from: "user" });
  return runOptionsFromFlags(command.opts());
};

describe("run options, one schema for the CLI and MCP", () => {
  it("gives every field of the schema a flag", () => {
    const help = addRunFlags(new Command("exec")).helpInformation();
    for (const key of keys.filter((k) => !POSITIONAL.includes(k))) expect(help).toContain(flagOf(key));
  });

  it("gives every field of the schema a described tool argument", () => {
    const input = remoteExecute.input as Record<string, { description?: string }>;
    for (const key of keys) expect(input[key]?.description, key).toBeTruthy();
  });

  it("takes its defaults from the schema: no flags parse to what the schema gives alone", () => {
    const base = { command: "auto" as const, prompt: "x" };
    expect(runOptionsSchema.parse({ ...base, ...parse([]) })).toEqual(runOptionsSchema.parse(base));
  });

  it("maps every flag onto its field", () => {
    const parsed = parse([
      "--max-turns",
      "7",
      "--vm-size",
      "Standard_D4s_v3",
      "--vm-name",
      "vm-1",
      "--keep-vm",
      "--no-reuse",
      "--timeout",
      "30",
      "--region",
      "eastus",
      "--target",
      "local",
      "--agent-command",
      '["node","a.mjs"]',
      "--max-size",
      "12",
    ]);
    expect(runOptionsSchema.parse({ command: "fix", prompt: "x", ...parsed })).toMatchObject({
      maxTurns: 7,
      vmSize: "Standard_D4s_v3",
      vmName: "vm-1",
      keepVm: true,
      noReuse: true,
      timeoutMinutes: 30,
      region: "eastus",
      target: "local",
      agentCommand: ["node", "a.mjs"],
      maxSizeMb: 12,
    });
  });
});
