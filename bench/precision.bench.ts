/**
 * Secret gate precision on real histories: `npx tsx bench/precision.bench.ts [--list]`.
 *
 * Repositories: PRECISION_REPOS (paths separated by ":"), else every `*.git` under
 * /tmp/precision-repos. Each is a bare clone of a public repository, e.g.
 *   git clone --bare https://github.com/modelcontextprotocol/typescript-sdk /tmp/precision-repos/ts-sdk.git
 * Nothing of theirs is committed here; a missing directory is skipped with the reason printed.
 *
 * For each repository, over every blob reachable from `--all`:
 *   gate        our gate (own rules + secretlint with our filters), no cache, no allowlist:
 *               findings, how many block, how many are reported only (warn), and distinct places
 *   secretlint  secretlint's recommended preset alone, default options, every text blob
 *   before      with PRECISION_BEFORE=<a checkout of an older commit>, that checkout's gate on the
 *               same history; e.g. main at bf75e36: `git archive bf75e36 src package.json
 *               tsconfig.json | tar -x -C DIR` and a node_modules link in DIR
 * `--list` prints every gate finding (masked) so each can be classified by hand.
 */
import { existsSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { lintSource } from "@secretlint/core";
import { creator as recommendedPreset } from "@secretlint/secretlint-rule-preset-recommend";
import { listReachableBlobs, readBlobs } from "../src/git/blobs.js";
import { runSecretGate } from "../src/package/secret-gate.js";
import { looksBinary } from "../src/secrets/binary.js";
import { SECRETLINT_MARKERS } from "../src/secrets/secretlint.js";
import { isBlocking } from "../src/secrets/severity.js";

const DEFAULT_DIR = "/tmp/precision-repos";
const REVS = ["--all"];
const list = process.argv.includes("--list");

function repos(): string[] {
  const fromEnv = process.env.PRECISION_REPOS;
  if (fromEnv) return fromEnv.split(":").filter(Boolean);
  if (!existsSync(DEFAULT_DIR)) return [];
  return readdirSync(DEFAULT_DIR)
    .filter((d) => d.endsWith(".git"))
    .map((d) => join(DEFAULT_DIR, d));
}

type Gate = typeof runSecretGate;

/** The gate of an older checkout, for the "before" column. */
async function gateBefore(): Promise<Gate | undefined> {
  const dir = process.env.PRECISION_BEFORE;
  if (!dir) return undefined;
  const mod = (await import(join(dir, "src/package/secret-gate.ts"))) as { runSecretGate: Gate };
  return mod.runSecretGate;
}

async function gate(repo: string, run: Gate = runSecretGate) {
  const report = await run({ repo, revs: REVS, files: [], workers: 0 });
  const blocking = report.findings.filter(isBlocking);
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  return {
    findings: report.findings,
    blocking: blocking.length,
    places: new Set(report.findings.map((f) => f.path)).size,
    blockingPlaces: new Set(blocking.map((f) => f.path)).size,
    byRule: Object.fromEntries(byRule),
    ms: report.stats.durationMs,
  };
}

/** Blobs larger than this are left to our windowed scan; secretlint alone reads whole texts. */
const SECRETLINT_MAX_BYTES = 2 * 1024 * 1024;

/** The preset as a user of secretlint gets it: no options, no filters of ours. */
async function secretlintAlone(repo: string) {
  const blobs = (await listReachableBlobs(repo, REVS)).filter((b) => b.size <= SECRETLINT_MAX_BYTES);
  const pathOf = new Map(blobs.map((b) => [b.oid, b.path]));
  const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommendedPreset }] };
  let findings = 0;
  const places = new Set<string>();
  for await (const { oid, content } of readBlobs(
    repo,
    blobs.map((b) => b.oid),
  )) {
    if (looksBinary(content)) continue;
    const text = content.toString("utf8");
    // The markers cover every rule of the preset (secretlint.ts): text without one cannot match.
    const lower = text.toLowerCase();
    if (!SECRETLINT_MARKERS.some((m) => lower.includes(m.anchor))) continue;
    const path = pathOf.get(oid) ?? "";
    const result = await lintSource({
      source: { content: text, filePath: path, ext: extname(path), contentType: "text" },
      options: { config, maskSecrets: true, noPhysicFilePath: true },
    });
    findings += result.messages.length;
    if (result.messages.length > 0) places.add(path);
  }
  return { findings, places: places.size };
}

async function main() {
  const paths = repos();
  if (paths.length === 0) {
    console.log(
      `precision bench skipped: no repositories (set PRECISION_REPOS or put bare clones under ${DEFAULT_DIR})`,
    );
    return;
  }
  const before = await gateBefore();
  console.log(
    "repository | gate findings (blocking/warn) | places (blocking) | secretlint findings | places",
  );
  for (const repo of paths) {
    if (!existsSync(repo)) {
      console.log(`${repo}: skipped, not found`);
      continue;
    }
    const g = await gate(repo);
    const s = await secretlintAlone(repo);
    console.log(
      `${repo} | ${g.findings.length} (${g.blocking}/${g.findings.length - g.blocking}) | ${g.places} (${g.blockingPlaces}) | ${s.findings} | ${s.places}`,
    );
    console.log(`  by rule: ${JSON.stringify(g.byRule)}  (${g.ms} ms)`);
    if (before) {
      const b = await gate(repo, before);
      console.log(
        `  before (${process.env.PRECISION_BEFORE}): ${b.findings.length} findings in ${b.places} places`,
      );
    }
    if (list) {
      for (const f of g.findings) {
        console.log(`    ${f.severity ?? "block"}  ${f.rule}  ${f.path}:${f.line}  ${f.masked}`);
      }
    }
  }
}

await main();
