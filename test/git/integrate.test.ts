/**
 * Integration of a results bundle: only refs/heads/* with names git accepts come home, into
 * refs/remotes/remote-exec/ only; a bundle from a hostile machine cannot write anywhere else.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGit } from "../../src/git/git.js";
import { integrateResults } from "../../src/git/integrate.js";
import { cleanup, commitFile, git, makeRepo, tempDir, userStateHash } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("integrateResults", () => {
  it("ignores refs outside refs/heads and never touches local branches, tags or HEAD", async () => {
    const repo = makeRepo();
    const work = tempDir("ar-hostile-");
    dirs.push(repo, work);
    const shipped = [{ ref: "refs/heads/main", commit: git(repo, "rev-parse", "HEAD").trim() }];
    // The "VM": a clone that makes commits under hostile ref names.
    const vm = join(work, "vm");
    git(work, "clone", "-q", repo, vm);
    const evil = commitFile(vm, "evil.txt", "evil\n", "evil");
    git(vm, "update-ref", "refs/heads/main", evil);
    git(vm, "update-ref", "refs/tags/v1", evil);
    git(vm, "update-ref", "refs/remotes/origin/main", evil);
    git(vm, "update-ref", "refs/stash", evil);
    git(vm, "update-ref", "refs/heads/ok-branch", evil);
    const bundle = join(work, "results.bundle");
    git(vm, "bundle", "create", "-q", bundle, "--all", `^${shipped[0].commit}`);

    const before = userStateHash(repo);
    const tagsBefore = git(repo, "for-each-ref", "refs/tags");
    const { branches: results } = await integrateResults({
      git: createGit(repo),
      bundleFile: bundle,
      runId: "r1",
      shipped,
    });
    expect(results.map((r) => r.branch).sort()).toEqual(["main", "ok-branch"]);
    expect(userStateHash(repo)).toBe(before);
    expect(git(repo, "for-each-ref", "refs/tags")).toBe(tagsBefore);
    const refs = git(repo, "for-each-ref", "--format=%(refname)").split("\n").filter(Boolean);
    expect(
      refs.filter((r) => !r.startsWith("refs/heads/") && !r.startsWith("refs/remotes/remote-exec/")),
    ).toEqual([]);
  });

  it("refuses a bundle that does not apply, changing nothing", async () => {
    const repo = makeRepo();
    const other = makeRepo();
    const work = tempDir("ar-other-");
    dirs.push(repo, other, work);
    commitFile(other, "only-there.txt", "a history this repository does not have\n");
    commitFile(other, "x.txt", "x\n");
    const bundle = join(work, "b.bundle");
    git(other, "bundle", "create", "-q", bundle, "main", "^HEAD~1");
    const refsBefore = git(repo, "for-each-ref");
    await expect(
      integrateResults({ git: createGit(repo), bundleFile: bundle, runId: "r2", shipped: [] }),
    ).rejects.toThrow(/does not apply/);
    expect(git(repo, "for-each-ref")).toBe(refsBefore);
  });

  it("runs afterImport once, after the refs are in, whether commits came home or not", async () => {
    const repo = makeRepo();
    const work = tempDir("ar-after-");
    dirs.push(repo, work);
    const shipped = [{ ref: "refs/heads/main", commit: git(repo, "rev-parse", "HEAD").trim() }];
    const vm = join(work, "vm");
    git(work, "clone", "-q", repo, vm);
    commitFile(vm, "new.txt", "new\n", "new work");
    const bundle = join(work, "results.bundle");
    git(vm, "bundle", "create", "-q", bundle, "main", `^${shipped[0].commit}`);

    const seen: string[] = [];
    const afterImport = async () => {
      seen.push(git(repo, "for-each-ref", "--format=%(refname)", "refs/remotes/remote-exec/r3/").trim());
    };
    await integrateResults({ git: createGit(repo), bundleFile: bundle, runId: "r3", shipped, afterImport });
    expect(seen).toEqual(["refs/remotes/remote-exec/r3/main"]);

    await integrateResults({ git: createGit(repo), bundleFile: null, runId: "r4", shipped, afterImport });
    expect(seen).toHaveLength(2);
  });
});
