/**
 * The scratch repository is laid out by hand (no `git init`): git must take it for the bare
 * repository `git init --bare` would make, borrow the user's objects through it, and keep what is
 * written there out of the user's .git.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGit } from "../../src/git/git.js";
import { createScratchRepo, mirrorRefs } from "../../src/git/scratch-repo.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("createScratchRepo", () => {
  it("makes a bare repository git recognises, with the given HEAD, reading the user's objects", async () => {
    const repo = makeRepo();
    const work = tempDir("ar-scratch-");
    dirs.push(repo, work);
    const dir = join(work, "scratch.git");

    const scratch = await createScratchRepo(createGit(repo), dir, { headRef: "refs/heads/feature/x" });

    expect(git(dir, "rev-parse", "--is-bare-repository").trim()).toBe("true");
    expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/feature/x");
    // The user's commits are readable through the alternate; a ref made here stays here.
    const head = git(repo, "rev-parse", "HEAD").trim();
    expect(git(dir, "cat-file", "-t", head).trim()).toBe("commit");
    git(dir, "update-ref", "refs/heads/feature/x", head);
    expect(git(dir, "rev-parse", "refs/heads/feature/x").trim()).toBe(head);
    const before = readdirSync(join(repo, ".git", "objects")).sort();
    await scratch.git.run(["hash-object", "-w", "--stdin"], { input: "only in the scratch store\n" });
    expect(readdirSync(join(repo, ".git", "objects")).sort()).toEqual(before);
    expect(git(dir, "fsck", "--connectivity-only", "--no-dangling").trim()).toBe("");
  });

  it("mirrors a detached HEAD beside branches of any name, master and main included", async () => {
    const repo = makeRepo();
    const work = tempDir("ar-scratch-");
    dirs.push(repo, work);
    const head = git(repo, "rev-parse", "HEAD").trim();
    const scratch = await createScratchRepo(createGit(repo), join(work, "scratch.git"), { headRef: null });

    await mirrorRefs(
      scratch,
      ["refs/heads/master", "refs/heads/main", "refs/tags/v1"].map((ref) => ({ ref, commit: head })),
      head,
    );

    expect(git(scratch.dir, "rev-parse", "HEAD").trim()).toBe(head);
    expect(git(scratch.dir, "for-each-ref", "--format=%(refname)").trim().split("\n").sort()).toEqual([
      "refs/heads/main",
      "refs/heads/master",
      "refs/tags/v1",
    ]);
  });
});
