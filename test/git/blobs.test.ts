/**
 * The blobs a bundle would carry: each unique blob once across branches, tags and history; contents
 * streamed byte-exact whatever the chunking; and a commit and ref found for a blob afterwards.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import {
  allReachableFrom,
  listNewBlobs,
  listReachableBlobs,
  locateBlobs,
  parseBatchOutput,
  readBlobs,
  resolveTips,
  streamReachableBlobs,
} from "../../src/git/blobs.js";
import { recordingRunner } from "../../src/util/run.js";
import { cleanup, commitFile, git, tempDir, write } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function history() {
  const repo = tempDir("ar-blobs-");
  dirs.push(repo);
  git(repo, "init", "-q", "-b", "main");
  const base = commitFile(repo, "a.txt", "same\n", "a");
  commitFile(repo, "dir/b.txt", "same\n", "b has a's content"); // one blob, two paths
  const added = commitFile(repo, "gone.txt", "deleted later\n", "add gone");
  git(repo, "rm", "-q", "gone.txt");
  git(repo, "commit", "-q", "-m", "remove gone");
  git(repo, "checkout", "-q", "-b", "side", base);
  const side = commitFile(repo, "side.txt", "side only\n", "side");
  git(repo, "checkout", "-q", "--detach", base);
  const tagged = commitFile(repo, "tagged.txt", "tag only\n", "tagged");
  git(repo, "tag", "t1");
  git(repo, "checkout", "-q", "main");
  return { repo, added, side, tagged };
}

const blobOf = (repo: string, content: string) =>
  execFileSync("git", ["hash-object", "--stdin"], { cwd: repo, input: content, encoding: "utf8" }).trim();

describe("listReachableBlobs", () => {
  it("lists each unique blob reachable from the revs once, with its size", async () => {
    const { repo } = history();
    const blobs = await listReachableBlobs(repo, ["--branches", "--tags", "HEAD"]);
    const byContent = new Map(blobs.map((b) => [b.oid, b]));
    expect(blobs).toHaveLength(4);
    expect(byContent.get(blobOf(repo, "same\n"))).toMatchObject({ size: 5 });
    expect(byContent.has(blobOf(repo, "deleted later\n"))).toBe(true);
    expect(byContent.get(blobOf(repo, "side only\n"))?.path).toBe("side.txt");
    expect(byContent.get(blobOf(repo, "tag only\n"))?.path).toBe("tagged.txt");
  });

  it("limits itself to the revs given", async () => {
    const { repo } = history();
    const blobs = await listReachableBlobs(repo, ["main"]);
    expect(blobs.map((b) => b.path).sort()).toEqual(["a.txt", "gone.txt"]);
    expect(await listReachableBlobs(repo, [])).toEqual([]);
  });

  it("fails on a rev that does not exist", async () => {
    const { repo } = history();
    await expect(listReachableBlobs(repo, ["nope"])).rejects.toThrow(/rev-list failed/);
  });
});

describe("readBlobs", () => {
  it("streams contents byte-exact, binary and large ones included", async () => {
    const repo = tempDir("ar-blobs-");
    dirs.push(repo);
    git(repo, "init", "-q", "-b", "main");
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, "x");
    big[100] = 0;
    write(repo, "big.bin", big.toString("latin1"));
    write(repo, "small.txt", "line\n");
    write(repo, "empty.txt", "");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "files");
    const got = new Map<string, Buffer>();
    for await (const b of streamReachableBlobs(repo, ["HEAD"])) got.set(b.path, b.content);
    expect(got.get("small.txt")?.toString()).toBe("line\n");
    expect(got.get("empty.txt")?.length).toBe(0);
    expect(Buffer.compare(got.get("big.bin")!, Buffer.from(big.toString("latin1"), "latin1"))).toBe(0);
  });

  it("skips what it was told not to read and never yields a missing object", async () => {
    const { repo } = history();
    const oid = blobOf(repo, "same\n");
    const seen: string[] = [];
    for await (const b of readBlobs(repo, [oid, "0123456789012345678901234567890123456789"]))
      seen.push(b.oid);
    expect(seen).toEqual([oid]);
  });

  it("parses records split at any byte", async () => {
    const records = Buffer.concat([
      Buffer.from("aaaa blob 3\nabc\n"),
      Buffer.from("bbbb missing\n"),
      Buffer.from("cccc blob 0\n\n"),
      Buffer.from("dddd blob 5\n1\n2\n3\n"),
    ]);
    async function* oneByte() {
      for (const byte of records) yield Buffer.from([byte]);
    }
    const out: string[] = [];
    for await (const r of parseBatchOutput(oneByte()))
      out.push(`${r.oid}=${JSON.stringify(r.content.toString())}`);
    expect(out).toEqual(['aaaa="abc"', 'cccc=""', 'dddd="1\\n2\\n3"']);
  });
});

describe("locateBlobs", () => {
  it("finds the commit that holds a blob, its path there, and a ref that reaches it", async () => {
    const { repo, added, side, tagged } = history();
    const revs = ["--branches", "--tags", "HEAD"];
    const gone = blobOf(repo, "deleted later\n");
    const sideOnly = blobOf(repo, "side only\n");
    const tagOnly = blobOf(repo, "tag only\n");
    const recorded = recordingRunner();
    const found = await locateBlobs(repo, [gone, sideOnly, tagOnly], revs, { stream: recorded.stream });
    expect(found.get(gone)).toEqual({ commit: added, path: "gone.txt", ref: "refs/heads/main" });
    expect(found.get(sideOnly)).toEqual({ commit: side, path: "side.txt", ref: "refs/heads/side" });
    expect(found.get(tagOnly)).toEqual({ commit: tagged, path: "tagged.txt", ref: "refs/tags/t1" });
    // One walk per kind of ref, however many commits: never a process per commit.
    expect(recorded.calls.map((c) => c.args.filter((a) => !a.includes("=")).join(" "))).toEqual([
      "-c log --raw --no-abbrev --no-renames --root --branches --tags HEAD --",
      "symbolic-ref -q HEAD",
      "rev-list refs/heads/main --",
      "log --source --branches --not refs/heads/main --",
      "log --source --tags --",
    ]);
  });

  it("names a branch that a tag shares its name with by its full name", async () => {
    const { repo } = history();
    git(repo, "checkout", "-q", "-b", "dup");
    const onDup = commitFile(repo, "dup.txt", "on dup\n", "dup");
    git(repo, "tag", "dup", "main");
    git(repo, "checkout", "-q", "main");
    const blob = blobOf(repo, "on dup\n");
    const found = await locateBlobs(repo, [blob, blobOf(repo, "deleted later\n")], ["--branches", "--tags"]);
    expect(found.get(blob)).toEqual({ commit: onDup, path: "dup.txt", ref: "refs/heads/dup" });
  });

  it("names an explicit rev when no branch or tag reaches the commit", async () => {
    const { repo } = history();
    write(repo, "wip.txt", "uncommitted\n");
    const tree = execFileSync("git", ["write-tree"], { cwd: repo, encoding: "utf8" }).trim();
    git(repo, "add", "wip.txt");
    const wipTree = execFileSync("git", ["write-tree"], { cwd: repo, encoding: "utf8" }).trim();
    expect(wipTree).not.toBe(tree);
    const wip = execFileSync("git", ["commit-tree", wipTree, "-p", "HEAD", "-m", "wip"], {
      cwd: repo,
      encoding: "utf8",
    }).trim();
    const found = await locateBlobs(repo, [blobOf(repo, "uncommitted\n")], ["--branches", "HEAD", wip]);
    expect(found.get(blobOf(repo, "uncommitted\n"))).toEqual({ commit: wip, path: "wip.txt", ref: wip });
  });
});

describe("since judged tips", () => {
  it("names the tips of the shipped refs, and leaves other revs apart", async () => {
    const { repo, side, tagged } = history();
    const { tips, others } = await resolveTips(repo, ["--branches", "--tags", "HEAD", side]);
    expect(tips.get("refs/heads/side")).toBe(side);
    expect(tips.get("refs/tags/t1")).toBe(tagged);
    expect(tips.get("HEAD")).toBe(git(repo, "rev-parse", "HEAD").trim());
    expect(others).toEqual([side]);
  });

  it("lists only the blobs reachable from new tips and not from judged ones", async () => {
    const { repo } = history();
    const judged = git(repo, "rev-parse", "main").trim();
    commitFile(repo, "new.txt", "brand new\n");
    commitFile(repo, "copy.txt", "same\n"); // content already judged
    const now = git(repo, "rev-parse", "main").trim();
    const fresh = await listNewBlobs(repo, [now], [judged]);
    expect(fresh.map((b) => b.path)).toEqual(["new.txt"]);
    expect(await listNewBlobs(repo, [now], [now])).toEqual([]);
  });

  it("tells whether judged tips are still reachable (fast-forward) or gone (rewritten)", async () => {
    const { repo, side } = history();
    const judged = git(repo, "rev-parse", "main").trim();
    commitFile(repo, "more.txt", "more\n");
    const main = git(repo, "rev-parse", "main").trim();
    expect(await allReachableFrom(repo, [judged], [main])).toBe(true);
    expect(await allReachableFrom(repo, [side], [main])).toBe(false);
    expect(await allReachableFrom(repo, ["0123456789012345678901234567890123456789"], [main])).toBe(false);
    expect(await allReachableFrom(repo, [], [main])).toBe(true);
  });

  it("spawns every git through the runner it is given, so the argv is recorded", async () => {
    const { repo } = history();
    const recorded = recordingRunner();
    const blobs = await listReachableBlobs(repo, ["HEAD"], { stream: recorded.stream });
    for await (const _ of readBlobs(
      repo,
      blobs.map((b) => b.oid),
      { stream: recorded.stream },
    ));
    await locateBlobs(repo, [blobs[0]!.oid], ["--branches"], { stream: recorded.stream });
    const commands = recorded.calls.map(
      (c) => `${c.command} ${c.args.find((a) => !a.startsWith("-") && !a.includes("="))}`,
    );
    expect(commands).toEqual(expect.arrayContaining(["git rev-list", "git cat-file", "git log"]));
    expect(recorded.calls.every((c) => c.cwd === repo)).toBe(true);
  });
});
