/**
 * scan_secrets: what would ship and what blocks it, provisioning nothing and changing nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { git, userStateHash, write } from "../support/repo.js";
import { type Connected, connect, errorCodeOf, textOf } from "./support.js";

let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
});

const AWS_KEY = `AKIA${"Q7XK2M9PLW3RTZ5V"}`;

interface ScanOut {
  blocked: boolean;
  findings: { path: string; source: string; commit?: string; masked: string; fingerprint: string }[];
  whatShips: { repo: string; revs: string[]; files: string[] };
}

describe("scan_secrets", () => {
  it("finds nothing in a clean repository and lists what would ship", async () => {
    mcp = await connect();
    write(mcp.repo, "wip.txt", "uncommitted work\n");
    const r = await mcp.call("scan_secrets");
    expect(r.isError, textOf(r)).toBeFalsy();
    const out = r.structuredContent as unknown as ScanOut;
    expect(out.blocked).toBe(false);
    expect(out.findings).toEqual([]);
    expect(out.whatShips.revs).toEqual(["--branches", "--tags", "HEAD"]);
    expect(out.whatShips.files).toEqual(expect.arrayContaining(["wip.txt", ".claude/settings.json"]));
    expect(textOf(r)).toContain("Nothing blocks an upload");
  });

  it("finds a key deleted from the working tree but still in history, masked, and changes nothing", async () => {
    mcp = await connect();
    write(mcp.repo, "deploy.sh", `export AWS_ACCESS_KEY_ID=${AWS_KEY}\n`);
    git(mcp.repo, "add", "deploy.sh");
    git(mcp.repo, "commit", "-q", "-m", "deploy script");
    git(mcp.repo, "rm", "-q", "deploy.sh");
    git(mcp.repo, "commit", "-q", "-m", "remove it again");
    const before = userStateHash(mcp.repo);
    const refsBefore = git(mcp.repo, "for-each-ref");

    const r = await mcp.call("scan_secrets", { repoPath: mcp.repo });
    expect(r.isError, textOf(r)).toBeFalsy();
    const out = r.structuredContent as unknown as ScanOut;
    expect(out.blocked).toBe(true);
    expect(out.findings).toEqual([expect.objectContaining({ path: "deploy.sh", source: "history" })]);
    expect(out.findings[0].commit).toMatch(/^[0-9a-f]{40}$/);
    expect(JSON.stringify(r)).not.toContain(AWS_KEY);
    expect(textOf(r)).toContain("Blocked: 1 possible secret(s)");
    expect(textOf(r)).toContain("Rewrite history");
    expect(textOf(r)).toContain(out.findings[0].fingerprint);
    expect(userStateHash(mcp.repo)).toBe(before);
    expect(git(mcp.repo, "for-each-ref")).toBe(refsBefore);
  });

  it("errors outside a repository with the remedy", async () => {
    mcp = await connect();
    const r = await mcp.call("scan_secrets", { repoPath: "/" });
    expect(r.isError).toBe(true);
    expect(errorCodeOf(r)).toBe("not-a-repo");
    expect(textOf(r)).toContain("→ Run the scan from a git repository");
  });
});
