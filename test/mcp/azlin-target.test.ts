/**
 * The environment given to the MCP server (and only to it) reaches every target, azlin included:
 * here it holds the only way to the (fake) azlin, its config and resource group, none of which
 * this test process has.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import { connect, RECORDING_AGENT, textOf } from "./support.js";

const fakes: FakeAzlin[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.cleanup();
});

describe("the MCP server on the azlin target", () => {
  it("runs a task with the azlin its own environment names, and the VM it made is deleted", async () => {
    const fake = await createFakeAzlin();
    fakes.push(fake);
    // Nothing of the fake is in this process's environment: it can only come through the server's.
    expect(process.env.PATH ?? "").not.toContain(fake.root);
    expect(process.env.AMPLIHACK_REMOTE_RG).toBeUndefined();
    const mcp = await connect({ env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" } });
    try {
      const result = await mcp.call("remote_execute", {
        command: "auto",
        prompt: "through the server's env",
        target: "azlin",
        agentCommand: [RECORDING_AGENT],
        wait: true,
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      const out = result.structuredContent as {
        summary: { status: string; vm: string; release: { deleted: boolean } };
      };
      expect(out.summary.status).toBe("succeeded");
      expect(out.summary.vm).toMatch(/^amplihack-/);
      expect(out.summary.release.deleted).toBe(true);
      expect(fake.argvs().some((argv) => argv[0] === "new")).toBe(true);
      expect(fake.vm(out.summary.vm)).toBeUndefined();
    } finally {
      await mcp.close();
    }
  });
});
