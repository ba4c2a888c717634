/**
 * A partial clone is what its config says, as for git: the remedy names the remotes it set, and a
 * pack marked .promisor with no such config (what a clone made whole keeps) is no refusal.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRepoFacts } from "../../src/git/repo-facts.js";
import { RemoteError } from "../../src/util/errors.js";
import { git, makeRepo } from "../support/repo.js";

describe("partial clones, by their config", () => {
  it("names every promisor remote the config sets in the remedy, quoted to paste", async () => {
    const repo = makeRepo();
    git(repo, "config", "remote.my fork.promisor", "true");
    git(repo, "config", "remote.origin.promisor", "false"); // switched off: not a promisor
    git(repo, "config", "remote.mirror.promisor", "off"); // git's other words for false
    git(repo, "config", "extensions.partialclone", "upstream");
    const error = await readRepoFacts(repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    const { message, remedy } = error as RemoteError;
    expect(message).toContain("partial clone");
    expect(message).toContain("remote.my fork.promisor, extensions.partialclone");
    expect(remedy).toContain(
      "`{ git config --unset-all remote.'my fork'.partialclonefilter; git fetch --refetch 'my fork' && git config --unset remote.'my fork'.promisor; } && { git config --unset-all remote.upstream.partialclonefilter; git fetch --refetch upstream && git config --unset remote.upstream.promisor; } && git config --unset extensions.partialclone`",
    );
  });

  it("takes a repository whose packs are marked .promisor but whose config names no promisor", async () => {
    const repo = makeRepo();
    git(repo, "gc", "-q");
    const packs = join(repo, ".git", "objects", "pack");
    mkdirSync(packs, { recursive: true });
    const pack = readdirSync(packs).find((f) => f.endsWith(".pack"));
    writeFileSync(join(packs, (pack ?? "pack-0.pack").replace(/\.pack$/, ".promisor")), "");
    await expect(readRepoFacts(repo)).resolves.toMatchObject({ branch: "main" });
  });
});
