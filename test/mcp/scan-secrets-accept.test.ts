/**
 * scan_secrets with accept: the baseline through MCP. The reviewed findings land in the allow file
 * (no values), a second call is not blocked, and a new finding blocks again.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TokenFactory } from "../secrets/support/tokens.js";
import { git, write } from "../support/repo.js";
import { type Connected, connect, textOf } from "./support.js";

const t = new TokenFactory(99);
let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
});

interface Out {
  blocked: boolean;
  findings: { path: string; fingerprint: string }[];
  accepted?: { file: string; added: number };
}

describe("scan_secrets accept", () => {
  it("records the findings, then only a new one blocks", async () => {
    mcp = await connect();
    const key = t.stripe();
    write(mcp.repo, "pay.ts", `export const k = "${key}";\n`);
    git(mcp.repo, "add", "pay.ts");
    git(mcp.repo, "commit", "-q", "-m", "pay");

    const accepted = (await mcp.call("scan_secrets", { repoPath: mcp.repo, accept: true }))
      .structuredContent as unknown as Out;
    expect(accepted.blocked).toBe(false);
    expect(accepted.accepted?.added).toBe(1);
    const allow = readFileSync(join(mcp.repo, ".amplihack-remote-allow"), "utf8");
    expect(allow).toContain(`${accepted.findings[0]!.fingerprint}  # pay.ts:1 stripe-secret-key`);
    expect(allow).not.toContain(key);

    const again = await mcp.call("scan_secrets", { repoPath: mcp.repo });
    expect((again.structuredContent as unknown as Out).blocked, textOf(again)).toBe(false);

    write(mcp.repo, "maps.ts", `export const k = "${t.googleApiKey()}";\n`);
    const fresh = (await mcp.call("scan_secrets", { repoPath: mcp.repo }))
      .structuredContent as unknown as Out;
    expect(fresh.blocked).toBe(true);
    expect(fresh.findings.map((f) => f.path)).toEqual(["maps.ts"]);
  });
});
