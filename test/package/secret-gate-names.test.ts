/**
 * A credential file name is checked at every path its content ships at, not only at the one path
 * `git rev-list --objects` names the blob by: the same bytes committed as `notes.txt` and, in
 * another commit, as `.netrc` block the run, in a full scan and when the `.netrc` arrives in a new
 * commit after the content was judged under its harmless name.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listReachableBlobs } from "../../src/git/blobs.js";
import { runSecretGate } from "../../src/package/secret-gate.js";
import { cleanup, commitFile, git, tempDir } from "../support/repo.js";

const REVS = ["--branches", "--tags", "HEAD"];
const CONTENT = "machine build.example.org\n";
const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function repoWithNotes(): string {
  const repo = tempDir("ar-names-");
  dirs.push(repo);
  git(repo, "init", "-q", "-b", "main");
  commitFile(repo, "notes.txt", CONTENT);
  return repo;
}

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ar-names-cache-"));
  dirs.push(dir);
  return dir;
}

const credentialFindings = (findings: { rule: string; path: string; commit?: string }[]) =>
  findings.filter((f) => f.rule === "credential-file").map((f) => `${f.path}@${f.commit?.slice(0, 12)}`);

describe("a blob under two names", () => {
  it("blocks as .netrc although rev-list names it notes.txt, with and without a cache", async () => {
    const repo = repoWithNotes();
    const added = commitFile(repo, "home/.netrc", CONTENT, "add netrc");
    git(repo, "rm", "-q", "home/.netrc");
    git(repo, "commit", "-q", "-m", "remove netrc");
    // The hole: the listing knows the blob by its other name only.
    const listed = await listReachableBlobs(repo, REVS);
    expect(listed.map((b) => b.path)).toEqual(["notes.txt"]);

    for (const cache of [undefined, cacheDir()]) {
      const report = await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
      expect(credentialFindings(report.findings)).toEqual([`home/.netrc@${added.slice(0, 12)}`]);
      expect(report.findings.find((f) => f.rule === "credential-file")?.severity).toBe("block");
    }
  });

  it("blocks when a new commit adds judged content as .netrc, and on every run after", async () => {
    const repo = repoWithNotes();
    const cache = cacheDir();
    const first = await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
    expect(first.findings).toEqual([]);

    const added = commitFile(repo, ".netrc", CONTENT, "add netrc");
    // Nothing new to read (the blob was judged as notes.txt): the name alone decides.
    const next = await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
    expect(next.stats.blobsScanned).toBe(0);
    expect(credentialFindings(next.findings)).toEqual([`.netrc@${added.slice(0, 12)}`]);

    // Nothing moved: the place is remembered with the judged tips, not walked again.
    const warm = await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
    expect(warm.stats.blobsScanned).toBe(0);
    expect(credentialFindings(warm.findings)).toEqual([`.netrc@${added.slice(0, 12)}`]);
  });

  it("checks a snapshot rev (not a named tip) every time and never remembers it", async () => {
    const repo = repoWithNotes();
    const cache = cacheDir();
    await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
    // A commit no ref points at, as the WIP snapshot is: notes.txt's blob also as .netrc.
    const blob = git(repo, "rev-parse", "HEAD:notes.txt").trim();
    const tree = gitInput(repo, ["mktree"], `100644 blob ${blob}\t.netrc\n100644 blob ${blob}\tnotes.txt\n`);
    const snapshot = git(repo, "commit-tree", tree, "-p", "HEAD", "-m", "wip").trim();

    const report = await runSecretGate({ repo, revs: [...REVS, snapshot], files: [], cacheDir: cache });
    expect(credentialFindings(report.findings)).toEqual([`.netrc@${snapshot.slice(0, 12)}`]);
    const without = await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
    expect(credentialFindings(without.findings)).toEqual([]);
  });
});

function gitInput(repo: string, args: string[], input: string): string {
  return execFileSync("git", args, { cwd: repo, input, encoding: "utf8" }).trim();
}
