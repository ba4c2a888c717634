/**
 * `amplihack-remote scan`: what a run would ship, scanned from the terminal. Exit codes, the JSON
 * shape, the uncommitted work it reads from the working tree, and the files it must leave alone.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scanCommand } from "../../src/cli/commands/scan.js";
import { cleanup, commitFile, git, makeRepo, tempDir, write } from "../support/repo.js";
import { TokenFactory } from "./support/tokens.js";

const t = new TokenFactory(314);
const dirs: string[] = [];
let out = "";
let err = "";

beforeEach(() => {
  const state = tempDir("ar-state-");
  dirs.push(state);
  vi.stubEnv("AMPLIHACK_REMOTE_STATE_DIR", state);
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  cleanup(...dirs.splice(0));
});

describe("scan command", () => {
  it("exits 0 on a clean repository and says what it scanned", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    expect(await scanCommand(repo, { json: false })).toBe(0);
    expect(out).toMatch(/^No secrets found\. Scanned \d+ blob/);
  });

  it("exits 4 outside a git repository", async () => {
    const dir = tempDir("ar-norepo-");
    dirs.push(dir);
    expect(await scanCommand(dir, { json: false })).toBe(4);
    expect(err).toContain("not inside a git repository");
    expect(await scanCommand(dir, { json: true })).toBe(4);
    expect(JSON.parse(out).error.code).toBe("not-a-repo");
  });

  it("exits 3 and reports history, uncommitted work and .claude/, but not what never ships", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    const values = {
      history: t.githubPat(),
      modified: t.stripe(),
      staged: t.npm(),
      untracked: t.googleApiKey(),
      claude: t.anthropic(),
      excludedEnv: t.openai(),
      ignored: t.slackBot(),
    };
    commitFile(repo, "deploy.sh", `export GH=${values.history}\n`);
    commitFile(repo, "deploy.sh", "export GH=$(gh auth token)\n", "use gh");
    commitFile(repo, "src/pay.ts", "export const key = process.env.STRIPE_KEY;\n");
    write(repo, "src/pay.ts", `export const key = "${values.modified}";\n`);
    write(repo, "src/npmrc.txt", `//registry.npmjs.org/:_authToken=${values.staged}\n`);
    git(repo, "add", "src/npmrc.txt");
    write(repo, "notes/maps.md", `maps key: ${values.untracked}\n`);
    write(repo, ".claude/settings.local.json", `{ "env": { "ANTHROPIC_API_KEY": "${values.claude}" } }\n`);
    write(repo, "config/.env", `OPENAI_API_KEY=${values.excludedEnv}\n`);
    write(repo, "ignored.txt", `SLACK=${values.ignored}\n`);

    expect(await scanCommand(repo, { json: true })).toBe(3);
    const report = JSON.parse(out);
    const where = report.findings.map(
      (f: { path: string; line: number; rule: string }) => `${f.path}:${f.line} ${f.rule}`,
    );
    expect(where.sort()).toEqual(
      [
        ".claude/settings.local.json:1 anthropic-api-key",
        "deploy.sh:1 github-token",
        "notes/maps.md:1 google-api-key",
        "src/npmrc.txt:1 npm-token",
        "src/pay.ts:1 stripe-secret-key",
      ].sort(),
    );
    const historyFinding = report.findings.find((f: { path: string }) => f.path === "deploy.sh");
    expect(historyFinding).toMatchObject({
      ref: "refs/heads/main",
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    for (const f of report.findings)
      expect(Object.keys(f).sort()).toEqual(
        expect.arrayContaining(["fingerprint", "masked", "rule", "path", "line"]),
      );
    // Uncommitted work (pay.ts, npmrc.txt, maps.md) is judged as the snapshot commit that ships,
    // so only the two .claude files are scanned as files; not config/.env, not ignored.txt.
    expect(report.stats).toMatchObject({ filesScanned: 2, allowlisted: 0 });
    for (const v of Object.values(values)) expect(out).not.toContain(v);

    out = "";
    expect(await scanCommand(repo, { json: false })).toBe(3);
    expect(out).toContain("deploy.sh:1  github-token  ghp_****  [commit ");
    for (const v of Object.values(values)) expect(out).not.toContain(v);
  });

  it("scans the repository of a subdirectory path", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    commitFile(repo, "app/config.yml", `token: ${t.githubOauth()}\n`);
    expect(await scanCommand(`${repo}/app`, { json: true })).toBe(3);
    expect(JSON.parse(out).findings[0].path).toBe("app/config.yml");
  });

  it("works in a repository without commits", async () => {
    const repo = tempDir("ar-empty-");
    dirs.push(repo);
    git(repo, "init", "-q", "-b", "main");
    write(repo, "a.env.example", `API_TOKEN=${t.githubPat()}\n`);
    expect(await scanCommand(repo, { json: true })).toBe(3);
    expect(JSON.parse(out).findings.map((f: { path: string }) => f.path)).toEqual(["a.env.example"]);
  });
});
