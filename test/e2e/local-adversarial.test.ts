/**
 * Hostile or unusual inputs on the local target: each is refused with a clear message or
 * handled, and nothing of the user's is touched.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, commitFile, git, makeRepo, tempDir, userStateHash, write } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("unusual and hostile inputs", () => {
  it("works from a repository whose path has spaces and non-ASCII characters", async () => {
    const parent = tempDir("ar-odd-");
    dirs.push(parent);
    const repo = join(parent, "my project ünïcødé 日本");
    mkdirSync(repo);
    makeRepo(repo);
    const state = join(parent, "state dir with spaces");
    const before = userStateHash(repo);
    const summary = await executeRun(localDeps(repo, state).deps, localOptions("odd path"));
    expect(summary.status).toBe("succeeded");
    expect(git(repo, "show", "remote-exec/main:notes.txt")).toBe("odd path\n");
    expect(userStateHash(repo)).toBe(before);
  });

  it("refuses a 1 MB prompt before any work, saying why and what to do", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const { deps, calls } = localDeps(repo, state);
    const err = await executeRun(deps, localOptions("x".repeat(1024 * 1024))).catch((e) => e);
    expect(err.code).toBe("usage");
    expect(err.message).toMatch(/PROMPT must be at most 120 KiB/);
    expect(calls).toEqual([]);
  });

  it("passes a 100 KiB prompt through byte for byte", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const prompt = `big ${"αβγ $(x) `y` 'z' \"w\"\n".repeat(4000)}`.slice(0, 100 * 1024);
    const summary = await executeRun(localDeps(repo, state).deps, localOptions(prompt));
    expect(summary.status).toBe("succeeded");
    const argv = git(repo, "show", "remote-exec/main:.agent-record/argv").split("\0");
    expect(argv[argv.length - 2]).toBe(prompt);
  });

  it("passes a prompt of NUL-free binary junk through byte for byte", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    // Every code point from 1 to 255 (control characters, DEL, Latin-1), shuffled, repeated.
    const junk = Array.from({ length: 4096 }, (_, i) => String.fromCharCode(1 + ((i * 97) % 255))).join("");
    const summary = await executeRun(localDeps(repo, state).deps, localOptions(`junk ${junk}`));
    expect(summary.status).toBe("succeeded");
    const argv = execFileSync("git", ["show", "remote-exec/main:.agent-record/argv"], { cwd: repo })
      .toString("utf8")
      .split("\0");
    expect(argv[argv.length - 2]).toBe(`junk ${junk}`);
  });

  it.each([
    ["vmSize", "Standard_D2s_v3; rm -rf ~", /--vm-size must be an Azure SKU/],
    ["vmName", "$(reboot)", /--vm-name must be/],
    ["region", "eastus && curl evil", /--region must be/],
    ["vmName", "-rf", /--vm-name must be/],
  ])("refuses %s=%j", async (key, value, message) => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const err = await executeRun(localDeps(repo, state).deps, localOptions("x", { [key]: value })).catch(
      (e) => e,
    );
    expect(err.code).toBe("usage");
    expect(err.message).toMatch(message);
  });

  it("ships a repository with a submodule as a plain gitlink, and LFS pointers as the pointer files", async () => {
    const sub = makeRepo();
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(sub, repo, state);
    execFileSync("git", ["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "vendor/sub"], {
      cwd: repo,
    });
    git(repo, "commit", "-q", "-m", "add submodule");
    commitFile(
      repo,
      "assets/big.bin",
      "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
      "LFS pointer",
    );
    write(repo, ".gitattributes", "assets/*.bin filter=lfs diff=lfs merge=lfs -text\n");
    git(repo, "add", ".gitattributes");
    git(repo, "commit", "-q", "-m", "lfs attributes");
    const summary = await executeRun(localDeps(repo, state).deps, localOptions("with submodule"));
    expect(summary.status).toBe("succeeded");
    // The gitlink and the pointer file come back unchanged; their contents were never shipped.
    expect(git(repo, "ls-tree", "remote-exec/main", "vendor/sub")).toMatch(/^160000 commit /);
    expect(git(repo, "show", "remote-exec/main:assets/big.bin")).toContain("git-lfs.github.com/spec/v1");
  });
});
