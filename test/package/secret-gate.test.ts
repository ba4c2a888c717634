/**
 * The gate the package stage calls: allowlisting a reviewer can audit, the verdict cache, what a
 * blocked user reads, and the exclusion list shared with the archive builder.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isExcludedPath } from "../../src/package/exclusions.js";
import { formatFindings, runSecretGate } from "../../src/package/secret-gate.js";
import { recordingRunner } from "../../src/util/run.js";
import { TokenFactory } from "../secrets/support/tokens.js";
import { cleanup, commitFile, git, tempDir, write } from "../support/repo.js";

const t = new TokenFactory(99);
const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function repoWith(files: Record<string, string>): string {
  const repo = tempDir("ar-gate-");
  dirs.push(repo);
  git(repo, "init", "-q", "-b", "main");
  for (const [path, content] of Object.entries(files)) write(repo, path, content);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "init");
  return repo;
}

const REVS = ["--branches", "--tags", "HEAD"];

describe("allowlisting", () => {
  it("an inline marker suppresses exactly the finding on its line, and is counted", async () => {
    const repo = repoWith({
      "a.py": `password = "${t.generic()}"  # pragma: allowlist secret\napi_key = "${t.generic()}"\n`,
    });
    const report = await runSecretGate({ repo, revs: REVS, files: [] });
    expect(report.findings.map((f) => `${f.path}:${f.line}`)).toEqual(["a.py:2"]);
    expect(report.stats.allowlisted).toBe(1);
    expect(report.stats.allowlistedInline).toBe(1);
  });

  it("a fingerprint in .amplihack-remote-allow suppresses exactly that finding, and is counted", async () => {
    const repo = repoWith({ "a.env": `TOKEN_A=${t.githubPat()}\nTOKEN_B=${t.githubPat()}\n` });
    const first = await runSecretGate({ repo, revs: REVS, files: [] });
    expect(first.findings).toHaveLength(2);
    const allowed = first.findings[0]!;
    writeFileSync(
      join(repo, ".amplihack-remote-allow"),
      `# reviewed: test fixture\n${allowed.fingerprint}  # a.env\n`,
    );
    const second = await runSecretGate({ repo, revs: REVS, files: [] });
    expect(second.findings.map((f) => f.fingerprint)).toEqual([first.findings[1]!.fingerprint]);
    expect(second.stats.allowlisted).toBe(1);
    expect(second.stats.allowlistedByFile).toBe(1);
  });

  it("names a finding by content: the same secret in history and in an archive file shares a fingerprint", async () => {
    const content = `STRIPE=${t.stripe()}\n`;
    const repo = repoWith({ "keys.txt": content });
    write(repo, ".claude/copy.txt", content);
    const report = await runSecretGate({
      repo,
      revs: REVS,
      files: [{ path: ".claude/copy.txt", absPath: join(repo, ".claude/copy.txt") }],
    });
    expect(report.findings).toHaveLength(2);
    expect(new Set(report.findings.map((f) => f.fingerprint)).size).toBe(1);
    const blob = git(repo, "rev-parse", "HEAD:keys.txt").trim();
    expect(report.findings[0]!.fingerprint).toBe(`${blob}:stripe-secret-key:1`);
  });
});

describe("verdict cache", () => {
  it("a repeat scan reads no blob again, and after a commit only the new blobs", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`src/file${i}.txt`] = `const apiKey = readKey(${i});\n`;
    files["logo.bin"] = "\0binary\0";
    const repo = repoWith(files);
    const cacheDir = mkdtempSync(join(tmpdir(), "ar-cache-"));
    dirs.push(cacheDir);

    const cold = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(cold.stats).toMatchObject({
      blobsScanned: 31,
      blobsFromCache: 0,
      binaryScanned: 1,
      blobsTotal: 31,
    });

    // Nothing changed: the judged tips are today's tips, so nothing is listed or read.
    const warm = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(warm.stats).toMatchObject({
      blobsScanned: 0,
      blobsFromCache: 0,
      bytesScanned: 0,
      blobsBehindJudgedTips: 31,
      blobsTotal: 31,
    });

    commitFile(repo, "src/new.txt", "fresh content\n");
    commitFile(repo, "src/file0.txt", "changed content\n");
    const after = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(after.stats).toMatchObject({ blobsScanned: 2, blobsBehindJudgedTips: 31, blobsTotal: 33 });

    // A branch rewritten (not a fast-forward): everything is listed again, and read from cache.
    git(repo, "reset", "-q", "--hard", "HEAD~1");
    commitFile(repo, "src/other.txt", "other content\n");
    const rewritten = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(rewritten.stats).toMatchObject({ blobsScanned: 1, blobsFromCache: 32, blobsBehindJudgedTips: 0 });
  });

  it("caches findings with the verdict: a blob with findings is reported on every run without being read", async () => {
    const repo = repoWith({ "a.env": `GH=${t.githubPat()}\n`, "b.txt": "hello\n" });
    const cacheDir = mkdtempSync(join(tmpdir(), "ar-cache-"));
    dirs.push(cacheDir);
    const first = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(first.stats.blobsScanned).toBe(2);
    commitFile(repo, "c.txt", "more\n");
    const second = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(second.stats).toMatchObject({ blobsScanned: 1, blobsFromCache: 1 });
    expect(second.findings.map((f) => `${f.path}:${f.rule}:${f.commit}`)).toEqual(
      first.findings.map((f) => `${f.path}:${f.rule}:${f.commit}`),
    );
    expect(second.findings).toHaveLength(1);
    // Nothing changed: the finding comes from the judged record and the cache, the count stays exact.
    const third = await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    expect(third.stats).toMatchObject({ blobsScanned: 0, blobsFromCache: 1, blobsTotal: 3 });
    expect(third.findings.map((f) => f.fingerprint)).toEqual(first.findings.map((f) => f.fingerprint));
  });

  it("applies the allowlist before locating: an accepted finding costs no walk of the history", async () => {
    const repo = repoWith({ "a.env": `GH=${t.githubPat()}\n` });
    const first = await runSecretGate({ repo, revs: REVS, files: [] });
    writeFileSync(join(repo, ".amplihack-remote-allow"), `${first.findings[0]!.fingerprint}\n`);
    const recorded = recordingRunner();
    const second = await runSecretGate({ repo, revs: REVS, files: [], stream: recorded.stream });
    expect(second.findings).toHaveLength(0);
    expect(recorded.calls.map((c) => c.args[0])).not.toContain("log");
    expect(recorded.calls.some((c) => c.args.join(" ").endsWith("cat-file --batch"))).toBe(true);
  });

  it("locates a finding from the history walk it already made: one `log --raw` per gate, with or without a cache", async () => {
    const repo = repoWith({ "a.env": `GH=${t.githubPat()}\n` });
    const added = git(repo, "rev-parse", "HEAD").trim();
    commitFile(repo, "later.txt", "nothing here\n", "later");
    const cacheDir = mkdtempSync(join(tmpdir(), "ar-gate-cache-"));
    dirs.push(cacheDir);
    for (const options of [{}, { cacheDir }]) {
      const recorded = recordingRunner();
      const report = await runSecretGate({
        repo,
        revs: REVS,
        files: [],
        stream: recorded.stream,
        ...options,
      });
      expect(report.findings.map((f) => [f.path, f.commit, f.ref])).toEqual([
        ["a.env", added, "refs/heads/main"],
      ]);
      expect(recorded.calls.filter((c) => c.args.includes("--raw"))).toHaveLength(1);
    }
  });

  it("keys verdicts by rule-set version and survives many runs by merging segments", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "ar-cache-"));
    dirs.push(cacheDir);
    for (let run = 0; run < 18; run++) {
      const repo = repoWith({ [`f${run}.txt`]: `run ${run}\n` });
      await runSecretGate({ repo, revs: REVS, files: [], cacheDir });
    }
    const [versionDir] = readdirSync(cacheDir);
    expect(versionDir).toMatch(/^verdicts-[0-9a-f]{16}$/);
    const segments = readdirSync(join(cacheDir, versionDir!)).filter((f) => f.endsWith(".seg"));
    expect(segments.length).toBeLessThan(18);
  });
});

describe("what a blocked user reads", () => {
  it("one line per finding with commit and ref, then the remedy and the fingerprints", async () => {
    const secret = t.githubPat();
    const repo = repoWith({ "deploy.sh": `#!/bin/sh\nexport GH=${secret}\n` });
    const commit = git(repo, "rev-parse", "HEAD").trim();
    const report = await runSecretGate({ repo, revs: REVS, files: [] });
    const text = formatFindings(report);
    expect(text.split("\n")[0]).toBe(
      `  deploy.sh:2  github-token  ghp_****  [commit ${commit.slice(0, 7)} on refs/heads/main]`,
    );
    expect(text).toContain("rotate");
    expect(text).toContain("git filter-repo");
    expect(text).toContain(".amplihack-remote-allow");
    expect(text).toContain(".env");
    expect(text).toContain(report.findings[0]!.fingerprint);
    expect(text).not.toContain(secret);
  });

  it("says so when nothing was found", async () => {
    const repo = repoWith({ "a.txt": "hello\n" });
    const text = formatFindings(await runSecretGate({ repo, revs: REVS, files: [] }));
    expect(text).toMatch(/^No secrets found\. Scanned 1 blob/);
  });

  it("stops when cancelled, with the interrupted error", async () => {
    const repo = repoWith({ "a.txt": "hello\n", "b.txt": "world\n" });
    const controller = new AbortController();
    const run = runSecretGate({
      repo,
      revs: REVS,
      files: [],
      signal: controller.signal,
      onProgress: (m) => {
        if (m.startsWith("scanning")) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: "interrupted", exitCode: 130 });
  });

  it("fails loudly on a rev that does not exist rather than scanning less", async () => {
    const repo = repoWith({ "a.txt": "hello\n" });
    await expect(runSecretGate({ repo, revs: ["no-such-branch"], files: [] })).rejects.toThrow(/rev-list/);
  });
});

describe("exclusions shared with the archive", () => {
  it.each([
    ".env",
    "config/.env",
    ".env.local",
    "deep/a/b/.env.production",
    "certs/server.pem",
    "tls.key",
    "a/b/store.p12",
    "win.pfx",
    "home/.ssh/config",
    "id_rsa",
    "keys/id_rsa.pub",
    ".aws/credentials",
    "x/.azure/config",
    ".config/gh/hosts.yml",
    "pkg/node_modules/lib/index.js",
    "app/__pycache__/m.pyc",
    ".venv/bin/python",
    "tools/venv/lib/x.py",
    "runtime/logs/run.log",
    ".claude/runtime/logs/remote/x/agent.log",
    "C:\\repo\\.env",
  ])("excludes %s", (p) => {
    expect(isExcludedPath(p)).toBe(true);
  });

  it.each([
    "README.md",
    "src/secret-scan.ts",
    "docs/credentials.md",
    "environment.md",
    "src/keys.ts",
    "config/gh.json",
    "runtime/log.txt",
    ".claude/settings.json",
  ])("ships %s", (p) => {
    expect(isExcludedPath(p)).toBe(false);
  });
});
