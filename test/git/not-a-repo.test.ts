/**
 * A repository owned by someone else is still a repository: the error names git's ownership
 * check and the safe.directory remedy, not `git init`.
 */
import { chownSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRepoFacts } from "../../src/git/repo-facts.js";
import { repoRootOf } from "../../src/git/work-tree.js";
import { RemoteError } from "../../src/util/errors.js";
import { shellQuote } from "../../src/util/shell-quote.js";
import { makeRepo, tempDir } from "../support/repo.js";

/** Makes git see the repository as another user's: for real when we are root (CI), else git's own test knob. */
function ownedBySomeoneElse(repo: string): void {
  if (process.getuid?.() === 0) chownSync(repo, 65534, 65534);
  else process.env.GIT_TEST_ASSUME_DIFFERENT_OWNER = "1";
}

describe("a repository git refuses for its owner", () => {
  it("is reported with the safe.directory command, by validation and by scan", async () => {
    const repo = makeRepo();
    ownedBySomeoneElse(repo);
    try {
      for (const attempt of [() => readRepoFacts(repo), () => repoRootOf(repo)]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RemoteError);
        expect((error as RemoteError).message).toContain("dubious ownership");
        expect((error as RemoteError).message).not.toContain("not inside a git repository");
        expect((error as RemoteError).remedy).toContain(
          `git config --global --add safe.directory ${shellQuote(repo)}`,
        );
      }
    } finally {
      delete process.env.GIT_TEST_ASSUME_DIFFERENT_OWNER;
    }
  });

  it("a directory outside any repository is still called that", async () => {
    const error = await readRepoFacts(tempDir()).catch((e: unknown) => e);
    expect((error as RemoteError).message).toMatch(/is not inside a git repository\.$/);
  });
});
