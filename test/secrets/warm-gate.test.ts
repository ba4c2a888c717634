/**
 * What a repeat gate costs when nothing moved: no walk of the history and no blob read, only the
 * look at where the tips are.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSecretGate } from "../../src/package/secret-gate.js";
import { recordingRunner } from "../../src/util/run.js";
import { cleanup, commitFile, git, tempDir, write } from "../support/repo.js";

const REVS = ["--branches", "--tags", "HEAD"];

/** Each git process by its subcommand and the options that say what it does, sorted. */
const MARKERS = ["--head", "--batch", "--batch-check", "--raw", "--objects", "--boundary", "--max-count"];
function subcommands(calls: { args: readonly string[] }[]): string[] {
  return calls
    .map((c) => {
      const args = c.args[0] === "-c" ? c.args.slice(2) : c.args;
      const flags = args.slice(1).map((a) => a.split("=")[0]!);
      return [args[0], ...flags.filter((a) => MARKERS.includes(a))].join(" ");
    })
    .sort();
}

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

/** A repository on main and a verdict cache, both removed after the test. */
function repoAndCache(): { repo: string; cacheDir: string } {
  const repo = tempDir("ar-warm-");
  const cacheDir = mkdtempSync(join(tmpdir(), "ar-warm-cache-"));
  dirs.push(repo, cacheDir);
  git(repo, "init", "-q", "-b", "main");
  return { repo, cacheDir };
}

describe("a repeat gate", () => {
  it("starts one git process when no tip moved, and lists only new objects after a commit", async () => {
    const { repo, cacheDir } = repoAndCache();
    write(repo, "a.txt", "const apiKey = readKey();\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "init");
    await runSecretGate({ repo, revs: REVS, files: [], cacheDir });

    const warm = recordingRunner();
    const report = await runSecretGate({ repo, revs: REVS, files: [], cacheDir, stream: warm.stream });
    expect(report.stats).toMatchObject({ blobsScanned: 0, blobsBehindJudgedTips: 1 });
    // One process: where the refs and HEAD point.
    expect(warm.calls.map((c) => c.args.join(" "))).toEqual(["show-ref --head"]);

    commitFile(repo, "b.txt", "more\n");
    const next = recordingRunner();
    const after = await runSecretGate({ repo, revs: REVS, files: [], cacheDir, stream: next.stream });
    expect(after.stats).toMatchObject({ blobsScanned: 1, blobsBehindJudgedTips: 1 });
    // Where the tips are; one rev-list (into batch-check) for what is new, whose boundary shows
    // the judged tip is still shipped; the walk for names in the same range; the new blob read.
    expect(subcommands(next.calls)).toEqual([
      "cat-file --batch",
      "cat-file --batch-check",
      "log --raw",
      "rev-list --objects --boundary",
      "show-ref --head",
    ]);
  });

  it("keeps judged tips that sit behind another judged tip, after one reachability check", async () => {
    const { repo, cacheDir } = repoAndCache();
    commitFile(repo, "a.txt", "one\n");
    git(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "b.txt", "two\n");
    git(repo, "checkout", "-q", "main");
    await runSecretGate({ repo, revs: REVS, files: [], cacheDir });

    // main moves past feature's tip: its old tip is behind feature's, so not on the boundary.
    git(repo, "merge", "-q", "--ff-only", "feature");
    commitFile(repo, "c.txt", "three\n");
    const moved = recordingRunner();
    const report = await runSecretGate({ repo, revs: REVS, files: [], cacheDir, stream: moved.stream });
    expect(report.stats).toMatchObject({ blobsBehindJudgedTips: 2, blobsScanned: 1 });
    const calls = subcommands(moved.calls);
    expect(calls.filter((c) => c === "rev-list --max-count")).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith("rev-list --objects"))).toHaveLength(1);
  });

  it("checks reachability apart only when a judged tip is not on the boundary, and relists after a rewrite", async () => {
    const { repo, cacheDir } = repoAndCache();
    commitFile(repo, "a.txt", "one\n");
    commitFile(repo, "b.txt", "two\n");
    await runSecretGate({ repo, revs: REVS, files: [], cacheDir });

    // Rewritten: the judged tip is on no boundary and reachable from nothing shipped.
    git(repo, "reset", "-q", "--hard", "HEAD~1");
    commitFile(repo, "c.txt", "three\n");
    const rewritten = recordingRunner();
    const report = await runSecretGate({ repo, revs: REVS, files: [], cacheDir, stream: rewritten.stream });
    expect(report.stats).toMatchObject({ blobsBehindJudgedTips: 0, blobsTotal: 2, blobsScanned: 1 });
    const calls = subcommands(rewritten.calls);
    expect(calls.filter((c) => c === "rev-list --max-count")).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith("rev-list --objects"))).toHaveLength(2);
  });
});
