/**
 * What a client sees before calling anything: the tools, their schemas and their annotations.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Connected, connect } from "./support.js";

let mcp: Connected;
beforeEach(async () => {
  mcp = await connect();
});
afterEach(() => mcp.close());

const EXPECTED = [
  "remote_execute",
  "remote_status",
  "remote_output",
  "retrieve_results",
  "remote_kill",
  "list_vms",
  "cleanup_vms",
  "scan_secrets",
];

describe("tools/list", () => {
  it("lists every tool with a title, a description, input and output schemas and all four hints", async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...EXPECTED].sort());
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      // Loose outputs: a field the core adds later must not fail a client's validation.
      expect(JSON.stringify(tool.outputSchema), tool.name).not.toContain('"additionalProperties":false');
      expect(tool.annotations?.title).toBe(tool.title);
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
        expect(typeof tool.annotations?.[hint], `${tool.name}.${hint}`).toBe("boolean");
      }
      // Claude Code names plugin tools mcp__plugin_amplihack_remote__<tool>; some clients cap names at 64.
      expect(`mcp__plugin_amplihack_remote__${tool.name}`.length).toBeLessThanOrEqual(64);
    }
  });

  it("remote_execute takes every run option, with the CLI's defaults and ranges", async () => {
    const { tools } = await mcp.client.listTools();
    const schema = tools.find((t) => t.name === "remote_execute")!.inputSchema as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        "command",
        "prompt",
        "maxTurns",
        "vmSize",
        "vmName",
        "keepVm",
        "noReuse",
        "timeoutMinutes",
        "region",
        "target",
        "agentCommand",
        "maxSizeMb",
        "model",
        "forwardEnv",
        "maxBudgetUsd",
        "attempts",
        "check",
        "checkTimeoutMinutes",
        "continueFrom",
        "maxVms",
        "dryRun",
        "wait",
        "autoRetrieve",
        "repoPath",
      ].sort(),
    );
    expect(schema.required.sort()).toEqual(["command", "prompt"]);
    expect(schema.properties.command.enum).toEqual(["auto", "ultrathink", "analyze", "fix"]);
    expect(schema.properties.maxTurns).toMatchObject({ default: 10, minimum: 1, maximum: 50 });
    expect(schema.properties.timeoutMinutes).toMatchObject({ default: 120, minimum: 5, maximum: 480 });
    expect(schema.properties.vmSize).toMatchObject({ default: "Standard_D2s_v3" });
    expect(schema.properties.target).toMatchObject({ default: "azlin", enum: ["local", "azlin"] });
    expect(schema.properties.wait).toMatchObject({ default: false });
    expect(schema.properties.attempts).toMatchObject({ minimum: 2, maximum: 8 });
    expect(schema.properties.checkTimeoutMinutes).toMatchObject({ default: 15, minimum: 1, maximum: 480 });
    for (const [name, prop] of Object.entries(schema.properties)) expect(prop.description, name).toBeTruthy();
  });

  it("marks what each tool may do", async () => {
    const { tools } = await mcp.client.listTools();
    const hints = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(hints.remote_execute).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    });
    expect(hints.remote_output).toMatchObject({ readOnlyHint: true });
    expect(hints.list_vms).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    expect(hints.retrieve_results).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(hints.remote_kill).toMatchObject({ destructiveHint: true, idempotentHint: true });
    expect(hints.cleanup_vms).toMatchObject({ destructiveHint: true });
    expect(hints.scan_secrets).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: false,
    });
  });

  it("cleanup_vms is a dry run unless told otherwise", async () => {
    const { tools } = await mcp.client.listTools();
    const schema = tools.find((t) => t.name === "cleanup_vms")!.inputSchema as {
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.properties.dryRun.default).toBe(true);
  });
});
