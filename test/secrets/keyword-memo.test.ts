/**
 * The keyword memo reuses what the prefilter found in the previous version of a file; it must
 * give exactly what a whole scan gives (the same occurrences, in the same order), whatever the
 * edit, and the engine's findings on an edited file must be those of a first scan.
 */
import { describe, expect, it } from "vitest";
import { CREDENTIAL_CONTENT_RULES } from "../../src/secrets/credential-files.js";
import { regionCounts, scannedTextsHeld, scanText } from "../../src/secrets/engine.js";
import { KeywordMemo } from "../../src/secrets/keyword-memo.js";
import { buildGates, type GateHits } from "../../src/secrets/prefilter.js";
import { OWN_RULES } from "../../src/secrets/rules.js";
import { scanShippedContent } from "../../src/secrets/scan.js";
import { SECRETLINT_MARKERS } from "../../src/secrets/secretlint.js";
import { sharedRanges } from "../../src/secrets/shared-ranges.js";
import { plantAll, seeded, TokenFactory } from "./support/tokens.js";

const gates = buildGates([...OWN_RULES, ...CREDENTIAL_CONTENT_RULES], SECRETLINT_MARKERS);

/** Dense in keywords, so edits often cut one, start one or join two. */
const WORDS = [
  "token",
  "api_key",
  "Bearer ",
  "sk-ant-",
  "://",
  "-----BEGIN PRIVATE KEY-----",
  "secret_key",
  "xoxb-",
  "8Q~",
  "machine ",
  "password",
  "AKIA",
  "ghp_",
  "postgresql://",
  "sharedaccesskey",
  "const x = 1;",
  "return value;",
  "\n",
  "\n",
  " ",
  "lorem",
];

function randomText(next: () => number, bytes: number): string {
  let out = "";
  while (out.length < bytes) out += WORDS[Math.floor(next() * WORDS.length)];
  return out;
}

/** One to five edits: inserts, deletions and replacements at random places. */
function edited(next: () => number, text: string): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 5);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * out.length);
    const cut = next() < 0.6 ? Math.floor(next() * 200) : 0;
    const put = next() < 0.7 ? randomText(next, Math.floor(next() * 150)) : "";
    out = out.slice(0, at) + put + out.slice(at + cut);
  }
  return out;
}

function serialised(hits: GateHits | undefined): string {
  if (!hits) return "none";
  return JSON.stringify([[...hits.rules], [...hits.markers].map(([m, ends]) => [m.anchor, ends])]);
}

describe("keyword memo", () => {
  it("finds in an edited text exactly what a whole scan finds, in the same order", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const next = seeded(seed);
      const memo = new KeywordMemo(gates, 1 << 20);
      let text = randomText(next, 8 * 1024 + Math.floor(next() * 40 * 1024));
      let total = 0;
      for (let version = 0; version < 25; version++) {
        const bytes = Buffer.from(text);
        total += bytes.length;
        expect(serialised(memo.locate(bytes, "src/a.ts"))).toBe(serialised(gates.locate(bytes)));
        text = edited(next, text);
      }
      // The versions after the first were mostly taken from the one before, not scanned again.
      expect(memo.scannedBytes).toBeLessThan(total / 2);
    }
  });

  it("keeps texts apart by key, and forgets the oldest beyond its capacity", () => {
    const next = seeded(7);
    const a = Buffer.from(randomText(next, 10_000));
    const b = Buffer.from(randomText(next, 10_000));
    const memo = new KeywordMemo(gates, 25_000);
    memo.locate(a, "a");
    memo.locate(b, "b");
    const before = memo.scannedBytes;
    // "b" is remembered: an unchanged text costs only the stretches at its edges.
    expect(serialised(memo.locate(b, "b"))).toBe(serialised(gates.locate(b)));
    expect(memo.scannedBytes - before).toBeLessThan(1000);
    // "a" was forgotten to make room (two texts with headroom exceed 25,000 bytes): scanned whole.
    const again = memo.scannedBytes;
    expect(serialised(memo.locate(a, "a"))).toBe(serialised(gates.locate(a)));
    expect(memo.scannedBytes - again).toBe(a.length);
  });

  it("shares only equal bytes, in order, each range at least the minimum long", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = seeded(100 + seed);
      // Lines unlike each other, as in source code (the anchor search assumes it, not correctness).
      const t = new TokenFactory(seed);
      const old = Buffer.from(Array.from({ length: 500 }, (_, i) => `${i} ${t.chars(30)} token`).join("\n"));
      const now = Buffer.from(edited(next, old.toString()));
      const ranges = sharedRanges(old, now, 64);
      let end = 0;
      for (const r of ranges) {
        expect(r.from).toBeGreaterThanOrEqual(end);
        expect(r.to - r.from).toBeGreaterThanOrEqual(64);
        expect(now.subarray(r.from, r.to).equals(old.subarray(r.oldFrom, r.oldFrom + r.to - r.from))).toBe(
          true,
        );
        end = r.to;
      }
      const shared = ranges.reduce((n, r) => n + r.to - r.from, 0);
      expect(shared).toBeGreaterThan(now.length / 2);
    }
  });

  it("reports on each version of an edited file what a first scan of it reports", async () => {
    const t = new TokenFactory(11);
    const next = seeded(11);
    // A keyword every eighth line, as in source code: regions of a line or three, far apart.
    const filler = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        i % 8 === 0
          ? `  const token${i} = await getAuth(${i});`
          : `  const value${i} = compute(${i}, "${t.chars(12)}");`,
      );
    const lines = [...filler(200), ...plantAll(t, "env").content.split("\n"), ...filler(200)];
    const takenBefore = regionCounts.takenOver;
    const matchedBefore = regionCounts.matched;
    for (let version = 0; version < 15; version++) {
      // A few lines replaced, added or removed, some with a new secret, some next to a planted one.
      for (let e = 0; e < 3; e++) {
        const at = Math.floor(next() * lines.length);
        const line = next() < 0.5 ? `password = "${t.generic(26)}"` : `let x${version} = ${e};`;
        lines.splice(at, next() < 0.3 ? 1 : 0, ...(next() < 0.8 ? [line] : []));
      }
      const text = lines.join("\n");
      const edited = await scanText(text, "config/service.env");
      const first = await scanText(text, `config/first-${version}.env`);
      expect(edited).toEqual(first);
      expect(edited.findings.length).toBeGreaterThan(15);
    }
    // Most regions were taken over from the version before, not matched again (each version is
    // scanned twice, the second time under a new name where nothing can be taken over).
    const taken = regionCounts.takenOver - takenBefore;
    const matched = regionCounts.matched - matchedBefore;
    expect(taken).toBeGreaterThan((matched - taken) / 2);
  });

  it("reports on an edited file what a first scan of it reports", async () => {
    const t = new TokenFactory(5);
    const filler = Array.from({ length: 300 }, (_, i) => `const value${i} = compute(${i}); // token`).join(
      "\n",
    );
    const v1 = `${filler}\n${plantAll(t, "env").content}${filler}\n`;
    // The edit cuts into the planted block and adds a secret of its own.
    const at = v1.indexOf("GH_CLASSIC=");
    const v2 = `${v1.slice(0, at)}password = "${t.generic(28)}"\n${v1.slice(at + 5)}`;
    await scanText(v1, "config/settings.env");
    const edited = await scanText(v2, "config/settings.env");
    const first = await scanText(v2, "config/other.env");
    expect(edited.findings.length).toBeGreaterThan(15);
    expect(edited).toEqual(first);
  });

  it("holds no file of a finished scan on the calling thread", async () => {
    const t = new TokenFactory(3);
    const content = Buffer.from(`${"let a = 1; // token\n".repeat(400)}${plantAll(t, "env").content}`);
    const files = [1, 2].map((n) => ({
      path: `config/app${n}.env`,
      size: content.length,
      read: async () => content,
    }));
    await scanText(content.toString(), "config/held.env");
    expect(scannedTextsHeld()).toBeGreaterThan(0);
    const report = await scanShippedContent({ files, workers: 0 });
    expect(report.findings.length).toBeGreaterThan(30);
    expect(scannedTextsHeld()).toBe(0);
  });
});
