/**
 * The baseline workflow through the real CLI, on a real repository: findings block, the user
 * reviews them and runs `scan --accept`, the rerun passes, a new finding blocks, and an entry
 * whose finding is gone is reported as stale. The allow file never holds a value.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllowlist, staleEntries, withAccepted } from "../../src/secrets/allowlist.js";
import type { Finding } from "../../src/secrets/types.js";
import { runCli } from "../support/cli.js";
import { cleanup, commitFile, makeRepo, tempDir } from "../support/repo.js";
import { TokenFactory } from "./support/tokens.js";

const t = new TokenFactory(2718);
const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

describe("scan --accept: a baseline a team can live with", () => {
  it("accepts reviewed findings, then blocks only new ones and reports stale entries", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const env = { AMPLIHACK_REMOTE_STATE_DIR: state };
    const scan = (...args: string[]) => runCli(["scan", ...args], { cwd: repo, env });
    const planted = { stripe: t.stripe(), github: t.githubPat() };
    commitFile(repo, "src/pay.ts", `export const key = "${planted.stripe}";\n`);
    commitFile(repo, "deploy/ci.env", `GH_TOKEN=${planted.github}\n`);

    const first = await scan("--json");
    expect(first.code).toBe(3);
    const found = JSON.parse(first.stdout).findings as { fingerprint: string; path: string; rule: string }[];
    expect(found.map((f) => `${f.path} ${f.rule}`).sort()).toEqual([
      "deploy/ci.env github-token",
      "src/pay.ts stripe-secret-key",
    ]);

    // The block message says how to accept them all.
    const blocked = await scan();
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toContain("amplihack-remote scan --accept");

    const accept = await scan("--accept");
    expect(accept.code).toBe(0);
    expect(accept.stdout).toMatch(/Accepted 2 finding\(s\) into .*\.amplihack-remote-allow/);
    const allow = readFileSync(join(repo, ".amplihack-remote-allow"), "utf8");
    for (const f of found) expect(allow).toContain(`${f.fingerprint}  # ${f.path}:1 ${f.rule}`);
    for (const v of Object.values(planted)) expect(allow).not.toContain(v);
    expect(allow).not.toContain(planted.github.slice(0, 8));

    const rerun = await scan();
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/^No secrets found\..* 2 allowlisted\./);
    expect(rerun.stdout).not.toContain("stale");

    // A second run of --accept adds nothing.
    expect((await scan("--accept")).stdout).toContain("Nothing new to accept");

    // A new finding blocks; the accepted ones stay quiet.
    const fresh = t.googleApiKey();
    commitFile(repo, "src/maps.ts", `export const mapsKey = "${fresh}";\n`);
    const withNew = await scan("--json");
    expect(withNew.code).toBe(3);
    expect(JSON.parse(withNew.stdout).findings.map((f: { path: string }) => f.path)).toEqual(["src/maps.ts"]);

    // The Stripe key leaves history for good (a fresh repository holding only what is left):
    // its entry now matches nothing and is reported as stale.
    const clean = makeRepo();
    dirs.push(clean);
    commitFile(clean, "deploy/ci.env", `GH_TOKEN=${planted.github}\n`);
    commitFile(clean, ".amplihack-remote-allow", allow);
    const after = await runCli(["scan", "--json"], { cwd: clean, env });
    expect(after.code).toBe(0);
    const stripeEntry = found.find((f) => f.rule === "stripe-secret-key")!.fingerprint;
    expect(JSON.parse(after.stdout).staleAllowlist).toEqual([stripeEntry]);
    const text = await runCli(["scan"], { cwd: clean, env });
    expect(text.stdout).toContain(`1 stale entry in .amplihack-remote-allow`);
    expect(text.stdout).toContain(stripeEntry);
  });
});

describe("the allow file", () => {
  const finding = (fingerprint: string, path: string): Finding => ({
    rule: "generic-api-key",
    path,
    line: 3,
    column: 1,
    masked: "abc****",
    source: "history",
    fingerprint,
  });

  it("keeps what is there, adds each new fingerprint once, and keeps a path on its line", () => {
    const before = "# reviewed by ops\nold:rule:1"; // no final newline
    const { content, added } = withAccepted(
      before,
      [
        finding("old:rule:1", "a.ts"),
        finding("new:generic-api-key:3", "evil\nnew:rule:9.ts"),
        finding("new:generic-api-key:3", "b.ts"),
      ],
      new Date("2026-12-01T00:00:00Z"),
    );
    expect(added).toBe(1);
    expect(content).toBe(
      "# reviewed by ops\nold:rule:1\n# accepted with `amplihack-remote scan --accept` on 2026-12-01\n" +
        "new:generic-api-key:3  # evil?new:rule:9.ts:3 generic-api-key\n",
    );
    expect([...parseAllowlist(content)]).toEqual(["old:rule:1", "new:generic-api-key:3"]);
    expect(withAccepted(content, [finding("old:rule:1", "a.ts")], new Date())).toEqual({ content, added: 0 });
  });

  it("calls stale what suppressed nothing", () => {
    expect(staleEntries(new Set(["b", "a", "c"]), new Set(["b"]))).toEqual(["a", "c"]);
  });
});
