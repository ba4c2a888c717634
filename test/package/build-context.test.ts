/**
 * Packaging again: a bundle made before is reused only when everything its bytes depend on is the
 * same (ref tips, HEAD, the snapshot of uncommitted work); any change makes a new one, and the
 * parts written per run (.claude files, options, manifest) are always fresh. The user's repository
 * is never written, the archive unpacks with the system's tar, and a damaged or unusable cache
 * costs speed, never a wrong package.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentInvocation } from "../../src/core/agent-invocation.js";
import { runOptionsSchema } from "../../src/core/options.js";
import { createGit } from "../../src/git/git.js";
import { readRepoFacts } from "../../src/git/repo-facts.js";
import { buildContext, type ContextPackage } from "../../src/package/build-context.js";
import { cleanup, commitFile, git, makeRepo, tempDir, userStateHash, write } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

interface Packed {
  pkg: ContextPackage;
  /** The archive unpacked by the system's tar, as the machine unpacks it. */
  out: string;
  /** Whether the bundle was the one kept from an earlier package. */
  reused: boolean;
  /** Files of the snapshot commit (or HEAD without uncommitted work), from a clone of the bundle. */
  shippedTree: string[];
}

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  dirs.push(repo, state);
  return { repo, state };
}

async function pack(repo: string, state: string, options: Record<string, unknown> = {}): Promise<Packed> {
  const parsed = runOptionsSchema.parse({ command: "auto", prompt: "go", target: "local", ...options });
  const messages: string[] = [];
  const pkg = await buildContext({
    git: createGit(repo),
    facts: await readRepoFacts(repo),
    runId: `20261202-${String(dirs.length).padStart(6, "0")}-pack`,
    options: parsed,
    agent: { argv: agentInvocation(parsed).argv, ensureTooling: false },
    cwd: repo,
    cacheDir: join(state, "scan-cache"),
    packageCacheDir: join(state, "package-cache"),
    onProgress: (m) => messages.push(m),
  });
  dirs.push(pkg.dir);
  const out = join(pkg.dir, "unpacked");
  mkdirSync(out);
  execFileSync("tar", ["-xzf", pkg.archivePath, "-C", out]);
  const clone = join(pkg.dir, "clone");
  execFileSync("git", ["clone", "-q", "--no-checkout", join(out, "repo.bundle"), clone]);
  const start = pkg.manifest.wipCommit ?? pkg.manifest.headCommit;
  return {
    pkg,
    out,
    reused: messages.some((m) => m.startsWith("reusing the git bundle")),
    shippedTree: git(clone, "ls-tree", "-r", "--name-only", start).split("\n").filter(Boolean),
  };
}

const bundleSha = (p: Packed) => p.pkg.manifest.parts["repo.bundle"];
const headsOf = (p: Packed) => p.pkg.manifest.heads.map((h) => `${h.ref} ${h.commit}`).sort();

describe("packaging the same repository again", () => {
  it("reuses the bundle for the same refs and work, and never writes the user's repository", async () => {
    const { repo, state } = setup();
    write(repo, "src/app.txt", "hello, edited\n");
    write(repo, "notes.md", "new file\n");
    const before = userStateHash(repo);
    const objectsBefore = git(repo, "count-objects", "-v");
    const first = await pack(repo, state);
    const second = await pack(repo, state);
    expect(first.reused).toBe(false);
    expect(second.reused).toBe(true);
    // The same snapshot commit (same date), so the same bundle and the same start commit.
    expect(second.pkg.manifest.wipCommit).toBe(first.pkg.manifest.wipCommit);
    expect(bundleSha(second)).toBe(bundleSha(first));
    expect(second.pkg.params.AR_START_COMMIT).toBe(first.pkg.manifest.wipCommit);
    expect(second.shippedTree).toContain("notes.md");
    // Each package is its own run's: its own manifest, and the archive's sha256 is what was written.
    expect(second.pkg.manifest.packageId).not.toBe(first.pkg.manifest.packageId);
    const sha = execFileSync("sha256sum", [second.pkg.archivePath], { encoding: "utf8" }).split(" ")[0];
    expect(second.pkg.archiveSha256).toBe(sha);
    expect(userStateHash(repo)).toBe(before);
    expect(git(repo, "count-objects", "-v")).toBe(objectsBefore);
    expect(git(repo, "for-each-ref", "refs/amplihack-remote")).toBe("");
  });

  it("makes a new bundle when a branch moves, a tag is added or a branch is deleted", async () => {
    const { repo, state } = setup();
    git(repo, "branch", "feature");
    const base = await pack(repo, state);
    const moved = commitFile(repo, "src/more.txt", "more\n");
    const afterCommit = await pack(repo, state);
    expect(afterCommit.reused).toBe(false);
    expect(headsOf(afterCommit)).toContain(`refs/heads/main ${moved}`);
    expect(afterCommit.shippedTree).toContain("src/more.txt");
    git(repo, "tag", "v1");
    const afterTag = await pack(repo, state);
    expect(afterTag.reused).toBe(false);
    expect(headsOf(afterTag)).toContain(`refs/tags/v1 ${moved}`);
    git(repo, "branch", "-D", "feature");
    const afterDelete = await pack(repo, state);
    expect(afterDelete.reused).toBe(false);
    expect(headsOf(afterDelete).some((h) => h.startsWith("refs/heads/feature "))).toBe(false);
    expect(headsOf(base).some((h) => h.startsWith("refs/heads/feature "))).toBe(true);
  });

  it("makes a new bundle when HEAD moves to another branch or is detached", async () => {
    const { repo, state } = setup();
    git(repo, "branch", "other");
    const onMain = await pack(repo, state);
    git(repo, "checkout", "-q", "other");
    const onOther = await pack(repo, state);
    expect(onOther.reused).toBe(false);
    expect(onOther.pkg.manifest.branch).toBe("other");
    git(repo, "checkout", "-q", "--detach");
    const detached = await pack(repo, state);
    expect(detached.reused).toBe(false);
    expect(detached.pkg.manifest.branch).toBeNull();
    expect(headsOf(detached)).toContain(`HEAD ${onMain.pkg.manifest.headCommit}`);
    const again = await pack(repo, state);
    expect(again.reused).toBe(true);
  });

  it("makes a new snapshot when the uncommitted work changes, staged or not", async () => {
    const { repo, state } = setup();
    write(repo, "work.txt", "one\n");
    const one = await pack(repo, state);
    write(repo, "work.txt", "two\n");
    const two = await pack(repo, state);
    expect(two.reused).toBe(false);
    expect(two.pkg.manifest.wipCommit).not.toBe(one.pkg.manifest.wipCommit);
    git(repo, "add", "work.txt");
    const staged = await pack(repo, state);
    // Staging changes nothing that ships: the same tree, so the same snapshot and bundle.
    expect(staged.reused).toBe(true);
    expect(staged.pkg.manifest.wipCommit).toBe(two.pkg.manifest.wipCommit);
    rmSync(join(repo, "work.txt"));
    git(repo, "rm", "-q", "--cached", "work.txt");
    const clean = await pack(repo, state);
    expect(clean.pkg.manifest.wipCommit).toBeNull();
    expect(clean.shippedTree).not.toContain("work.txt");
  });

  it("a new untracked credential file changes nothing that ships, and is not in the reused bundle", async () => {
    const { repo, state } = setup();
    write(repo, "work.txt", "work\n");
    const first = await pack(repo, state);
    write(repo, ".env", "TOKEN=not-shipped\n");
    const second = await pack(repo, state);
    expect(second.reused).toBe(true);
    expect(second.shippedTree).not.toContain(".env");
    expect(second.pkg.manifest.excludedPaths).toContain(".env");
    expect(first.pkg.manifest.excludedPaths).not.toContain(".env");
  });

  it("writes the .claude files and the options of this run, with the bundle reused", async () => {
    const { repo, state } = setup();
    write(repo, ".claude/agents/helper.md", "first\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "helper");
    await pack(repo, state, { maxTurns: 10 });
    // An ignored .claude file is not in the snapshot, so the bundle stays the same; it still ships.
    write(repo, ".gitignore", "ignored.txt\n.claude/local.md\n");
    git(repo, "commit", "-q", "-am", "ignore");
    await pack(repo, state, { maxTurns: 10 });
    write(repo, ".claude/local.md", "local notes\n");
    const next = await pack(repo, state, { maxTurns: 20 });
    expect(next.reused).toBe(true);
    expect(readFileSync(join(next.out, "claude-dir/local.md"), "utf8")).toBe("local notes\n");
    expect(next.pkg.manifest.options.maxTurns).toBe(20);
    expect(readFileSync(join(next.out, "params.sh"), "utf8")).toContain("AR_MAX_TURNS=20");
  });

  it("does not use a damaged kept bundle, and packages whole without a usable cache", async () => {
    const { repo, state } = setup();
    const first = await pack(repo, state);
    const kept = join(state, "package-cache");
    const [folder] = readdirSync(kept);
    const bundle = readdirSync(join(kept, folder)).find((f) => f.endsWith(".bundle"));
    expect(bundle).toBeDefined();
    writeFileSync(join(kept, folder, bundle as string), "not a bundle");
    const second = await pack(repo, state);
    expect(second.reused).toBe(false);
    expect(bundleSha(second)).not.toBe("");
    expect(headsOf(second)).toEqual(headsOf(first));
    // A cache that cannot be written (a file where its folder should be): still a whole package.
    const blocked = tempDir("ar-state-");
    dirs.push(blocked);
    writeFileSync(join(blocked, "package-cache"), "in the way");
    const third = await pack(repo, blocked);
    expect(third.reused).toBe(false);
    expect(headsOf(third)).toEqual(headsOf(first));
    expect(existsSync(join(third.out, "repo.bundle"))).toBe(true);
  });
});
