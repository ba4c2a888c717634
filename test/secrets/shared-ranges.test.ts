/**
 * The ranges a version shares with the one before (the keyword memo scans only the rest), on the
 * text where finding them is hard: generated pages whose markup repeats itself (TypeDoc's, 99% of
 * node-auth0's 38 GB of history), where an anchor occurs many times near its place.
 */
import { describe, expect, it } from "vitest";
import { CREDENTIAL_CONTENT_RULES } from "../../src/secrets/credential-files.js";
import { KeywordMemo } from "../../src/secrets/keyword-memo.js";
import { buildGates } from "../../src/secrets/prefilter.js";
import { OWN_RULES } from "../../src/secrets/rules.js";
import { SECRETLINT_MARKERS } from "../../src/secrets/secretlint.js";
import { sharedRanges } from "../../src/secrets/shared-ranges.js";
import { seeded } from "./support/tokens.js";

const gates = buildGates([...OWN_RULES, ...CREDENTIAL_CONTENT_RULES], SECRETLINT_MARKERS);
const NAMES = ["UsersManager", "ApiKeys", "TokenExchange", "ClientSecret", "Auth", "Roles", "Grants", "Keys"];

/** A TypeDoc-like page: a navigation of near-identical items naming every page, and every `linkEvery` items a link to a commit. */
function page(r: () => number, sha: string, entries: number, linkEvery = 40): string {
  const out = ['<!DOCTYPE html><html class="default"><head><meta charSet="utf-8"/></head><body>'];
  for (let i = 0; i < entries; i++) {
    const n = `${NAMES[i % NAMES.length]}${i}`;
    out.push(
      `<li><a href="../classes/management.${n}.html" class="tsd-index-link"><svg class="tsd-kind-icon" viewBox="0 0 24 24"><use href="#icon-128"></use></svg><span>${n}</span></a></li>`,
    );
    if (i % linkEvery === 0)
      out.push(
        `<aside><a href="https://github.com/o/r/blob/${sha}/src/x.ts#L${i}">src/x.ts:${i}</a></aside>`,
      );
    if (r() < 0.002) out.push(`const api_key = "sk-ant-api03-${"A".repeat(20)}${i}";`);
  }
  return out.join("\n");
}

/** Insertions, deletions and copies at random places. */
function edit(r: () => number, text: string): string {
  let t = text;
  for (let k = 1 + Math.floor(r() * 30); k > 0; k--) {
    const at = Math.floor(r() * t.length);
    const kind = r();
    if (kind < 0.4)
      t = `${t.slice(0, at)}<li>inserted token=${Math.floor(r() * 1e9)} api</li>\n${t.slice(at)}`;
    else if (kind < 0.7) t = t.slice(0, at) + t.slice(at + Math.floor(r() * 2000));
    else {
      const from = Math.floor(r() * t.length);
      t = t.slice(0, at) + t.slice(from, from + Math.floor(r() * 5000)) + t.slice(at);
    }
  }
  return t;
}

const covered = (ranges: { from: number; to: number }[], length: number) =>
  ranges.reduce((n, x) => n + x.to - x.from, 0) / length;

describe("shared ranges", () => {
  it("are equal bytes, in order, disjoint and at least the minimum long, on edited repetitive pages", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = seeded(seed);
      const old = Buffer.from(page(r, "a1", 1500 + Math.floor(r() * 500)));
      const now = Buffer.from(edit(r, page(seeded(seed), "b2", 1500 + Math.floor(seeded(seed)() * 500))));
      let end = 0;
      for (const x of sharedRanges(old, now, 64)) {
        expect(x.from).toBeGreaterThanOrEqual(end);
        expect(x.to - x.from).toBeGreaterThanOrEqual(64);
        expect(now.subarray(x.from, x.to).equals(old.subarray(x.oldFrom, x.oldFrom + x.to - x.from))).toBe(
          true,
        );
        end = x.to;
      }
    }
  });

  it("find nearly all of what a new release's page shares with the last, though its markup repeats", () => {
    // One page added to a 2,000-item navigation and the commit in its five links changed: all but
    // those bytes are shared. Taking an anchor's first occurrence near its place found 27-59%.
    for (let seed = 1; seed <= 12; seed++) {
      const r = seeded(seed);
      const old = page(() => 1, "aaa111", 2000, 400);
      const items = page(() => 1, "bbb222", 2000, 400).split("\n");
      items.splice(
        1 + Math.floor(r() * 2000),
        0,
        '<li><a href="../classes/management.NewPage.html">NewPage</a></li>',
      );
      const now = Buffer.from(items.join("\n"));
      expect(covered(sharedRanges(Buffer.from(old), now, 64), now.length), `seed ${seed}`).toBeGreaterThan(
        0.97,
      );
    }
  });

  it("let the keyword memo find, over a chain of versions, exactly what a whole scan finds", () => {
    for (let seed = 100; seed < 110; seed++) {
      const r = seeded(seed);
      const memo = new KeywordMemo(gates, 64 * 1024 * 1024);
      let text = page(r, "abc123", 2000);
      for (let v = 0; v < 12; v++) {
        text =
          r() < 0.2
            ? page(r, Math.floor(r() * 1e9).toString(16), 1800 + Math.floor(r() * 400))
            : edit(r, text);
        const bytes = Buffer.from(text);
        const norm = (h: ReturnType<typeof gates.locate>) =>
          h
            ? JSON.stringify([[...h.rules].sort(), [...h.markers].map(([m, e]) => [m.anchor, e]).sort()])
            : "none";
        expect(norm(memo.locate(bytes, "p"))).toBe(norm(gates.locate(bytes)));
      }
    }
  });
});
