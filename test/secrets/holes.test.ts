/**
 * No size above which content goes unscanned, and no kind of content skipped: a key deep in a
 * 3 MB text file, on a window boundary, in a file with a NUL byte and in a SQLite database is
 * found, committed or shipped as a file, at the right line.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSecretGate } from "../../src/package/secret-gate.js";
import { printableRuns } from "../../src/secrets/binary.js";
import { OVERLAP_BYTES, textWindows, WINDOW_BYTES } from "../../src/secrets/windows.js";
import { cleanup, commitFile, git, tempDir } from "../support/repo.js";
import { TokenFactory } from "./support/tokens.js";

const t = new TokenFactory(313);
const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));
const REVS = ["--branches", "--tags", "HEAD"];

function repo(): string {
  const dir = tempDir("ar-holes-");
  dirs.push(dir);
  git(dir, "init", "-q", "-b", "main");
  commitFile(dir, "README.md", "# project\n");
  return dir;
}

/** `lines` lines of harmless log text, about 60 bytes each. */
function filler(lines: number, from = 0): string[] {
  return Array.from(
    { length: lines },
    (_, i) => `2026-11-30T10:00:00Z info request ${from + i} served in 12 ms`,
  );
}

describe("large text", () => {
  it("finds an Anthropic key at the end of a committed 3 MB file, at its line", async () => {
    const dir = repo();
    const lines = filler(60_000);
    lines.push(`ANTHROPIC_API_KEY=${t.anthropic()}`);
    const content = `${lines.join("\n")}\n`;
    expect(content.length).toBeGreaterThan(3 * 1024 * 1024);
    commitFile(dir, "logs/big.log", content);
    for (const workers of [0, 1]) {
      const report = await runSecretGate({ repo: dir, revs: REVS, files: [], workers });
      expect(report.findings.map((f) => `${f.path}:${f.line}:${f.rule}`)).toEqual([
        "logs/big.log:60001:anthropic-api-key",
      ]);
      expect(report.stats.windowed).toBe(1);
      expect(report.stats.skippedLarge).toBe(0);
    }
  });

  it("finds a key that straddles a window boundary once, and a key in an archive file", async () => {
    const dir = repo();
    const key = t.anthropic();
    // Put the key's line across the first window's end.
    const lines = filler(Math.floor(WINDOW_BYTES / 40));
    let size = 0;
    let at = 0;
    while (size + lines[at]!.length + 1 < WINDOW_BYTES - 40) size += lines[at++]!.length + 1;
    lines.splice(at, 0, `export ANTHROPIC_API_KEY=${key}`);
    lines.push(...filler(20_000, lines.length));
    const content = `${lines.join("\n")}\n`;
    commitFile(dir, "data/dump.txt", content);
    writeFileSync(join(dir, "copy.txt"), content);
    const report = await runSecretGate({
      repo: dir,
      revs: REVS,
      files: [{ path: ".claude/copy.txt", absPath: join(dir, "copy.txt") }],
    });
    expect(report.findings.map((f) => `${f.source}:${f.path}:${f.line}:${f.column}`)).toEqual([
      `file:.claude/copy.txt:${at + 1}:26`,
      `history:data/dump.txt:${at + 1}:26`,
    ]);
  });
});

describe("windows", () => {
  it("cover the text with overlap, start on lines, and number them", () => {
    const text = Buffer.from(`${filler(40_000).join("\n")}\n`);
    const windows = textWindows(text);
    expect(windows.length).toBeGreaterThan(2);
    expect(windows[0]).toMatchObject({ start: 0, firstLine: 1, firstColumnShift: 0 });
    for (let i = 1; i < windows.length; i++) {
      const w = windows[i]!;
      expect(w.start).toBeLessThanOrEqual(windows[i - 1]!.end - OVERLAP_BYTES);
      expect(text[w.start - 1]).toBe(0x0a);
      const before = text.subarray(0, w.start).toString().split("\n").length;
      expect(w.firstLine).toBe(before);
    }
    expect(windows.at(-1)!.end).toBe(text.length);
  });

  it("cut one enormous line (minified code) hard and say how far into the line they start", () => {
    const text = Buffer.from("x".repeat(3 * WINDOW_BYTES));
    const windows = textWindows(text);
    expect(windows.length).toBeGreaterThan(2);
    expect(windows[1]).toMatchObject({ firstLine: 1, firstColumnShift: windows[1]!.start });
    expect(windows.at(-1)!.end).toBe(text.length);
  });
});

describe("binary content", () => {
  it("finds a key inside a file with a NUL byte and inside a SQLite database", async () => {
    const dir = repo();
    const [gh, stripe] = [t.githubPat(), t.stripe()];
    const nul = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      Buffer.alloc(5000, 0),
      Buffer.from(`config\0GITHUB_TOKEN=${gh}\0`),
      Buffer.alloc(100, 3),
    ]);
    const page = Buffer.alloc(4096, 0);
    Buffer.from("SQLite format 3\0").copy(page, 0);
    const sqlite = Buffer.concat([
      page,
      Buffer.from([0x0d, 0, 0, 0, 1, 0x0f, 0xa0, 0]),
      // A record: header bytes, an integer column, then the text column holding the key.
      Buffer.from([0x04, 0x01, 0x81, 0x37, 0x2a]),
      Buffer.from(stripe),
      Buffer.alloc(3000, 0),
    ]);
    writeFileSync(join(dir, "app.bin"), nul);
    writeFileSync(join(dir, "state.sqlite"), sqlite);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "binaries");
    const report = await runSecretGate({ repo: dir, revs: REVS, files: [] });
    expect(report.findings.map((f) => `${f.path}:${f.rule}`).sort()).toEqual([
      "app.bin:github-token",
      "state.sqlite:stripe-secret-key",
    ]);
    expect(report.stats.binaryScanned).toBe(2);
    expect(report.stats.skippedBinary).toBe(0);
    expect(JSON.stringify(report)).not.toContain(gh);
    expect(JSON.stringify(report)).not.toContain(stripe);
  });

  it("printable runs are what `strings` would print: runs of 8 or more, one per line", () => {
    const runs = printableRuns(Buffer.from("\0short\0a longer run here\x01\x02tab\there ok\0"));
    expect(runs.toString()).toBe("a longer run here\ntab\there ok\n");
  });
});
