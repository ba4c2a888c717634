/**
 * Recall: one of every credential we claim, planted in every place that ships, must be found at its
 * path and line, with the commit and ref for history, and nothing else may be reported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSecretGate } from "../../src/package/secret-gate.js";
import { scanText } from "../../src/secrets/engine.js";
import type { ScanReport } from "../../src/secrets/types.js";
import { cleanup } from "../support/repo.js";
import { buildPlantedRepo, type PlantedRepo } from "./support/planted-repo.js";
import { CLAIMED_RULES, plantAll, TokenFactory } from "./support/tokens.js";

let fixture: PlantedRepo;
let report: ScanReport;

beforeAll(async () => {
  fixture = buildPlantedRepo();
  report = await runSecretGate({ repo: fixture.repo, revs: fixture.revs, files: fixture.files, workers: 0 });
});
afterAll(() => cleanup(fixture.repo));

describe("recall over everything that ships", () => {
  it("plants every claimed rule in every place", () => {
    for (const place of fixture.places) {
      expect(new Set(place.planted.expected.map((e) => e.rule))).toEqual(new Set(CLAIMED_RULES));
    }
  });

  it.each([
    "head",
    "history only",
    "tracked nested .env",
    "other branch",
    "tag only",
    "uncommitted change",
    "untracked .claude file",
  ])("finds every secret in the %s, at its line, with commit and ref", (name) => {
    const place = fixture.places.find((p) => p.name === name)!;
    const here = report.findings.filter((f) => f.path === place.path);
    const got = here.map((f) => `${f.line} ${f.rule}`).sort();
    const want = place.planted.expected.map((e) => `${e.line} ${e.rule}`).sort();
    expect(got).toEqual(want);
    for (const f of here) {
      expect(f.source).toBe(place.source);
      expect(f.commit).toBe(place.commit);
      expect(f.ref).toBe(place.ref);
    }
  });

  it("blocks on every planted secret: each has its provider's structure or sits outside tests and docs", () => {
    expect(report.findings.filter((f) => f.severity !== "block")).toEqual([]);
  });

  it("reports nothing beyond what was planted", () => {
    const planted = fixture.places.reduce((n, p) => n + p.planted.expected.length, 0);
    expect(report.findings).toHaveLength(planted);
  });

  it("never prints a planted value", () => {
    const everything = JSON.stringify(report);
    for (const place of fixture.places) {
      for (const e of place.planted.expected) expect(everything).not.toContain(e.value);
    }
  });

  it("counts what it scanned", () => {
    expect(report.stats.filesScanned).toBe(1);
    expect(report.stats.blobsScanned).toBe(report.stats.blobsTotal);
    expect(report.stats.blobsFromCache).toBe(0);
    expect(report.stats.allowlisted).toBe(0);
  });
});

describe("recall over many synthesised values", () => {
  // A random token can look like a stand-in by chance ("...FAKE...", "____"); each such rule is
  // written so that this stays rare. 70,000 seeds (2.66 M tokens) were run once by hand; 200 here.
  it("finds every claimed credential for 200 seeds, in env and JSON files, and nothing else", async () => {
    const misses: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      for (const style of ["env", "json"] as const) {
        const planted = plantAll(new TokenFactory(seed), style);
        const { findings } = await scanText(planted.content, `settings.${style}`);
        const got = findings
          .map((f) => `${f.line} ${f.rule}${f.severity === "block" ? "" : " (warn)"}`)
          .sort();
        const want = planted.expected.map((e) => `${e.line} ${e.rule}`).sort();
        if (JSON.stringify(got) !== JSON.stringify(want))
          misses.push(`seed ${seed} ${style}: ${got} != ${want}`);
      }
    }
    expect(misses).toEqual([]);
  });
});
