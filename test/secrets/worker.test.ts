/**
 * The scan runs on worker threads in all three ways the code runs: from TypeScript source (this
 * test), from a single-file esbuild bundle like dist/cli.js and dist/server.js, and it falls back
 * to the calling thread when a worker cannot start or dies.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOptions } from "../../scripts/bundle-options.mjs";
import { runSecretGate } from "../../src/package/secret-gate.js";
import { gitBlobId } from "../../src/secrets/fingerprint.js";
import { type HistorySource, scanShippedContent } from "../../src/secrets/scan.js";
import type { BatchItem } from "../../src/secrets/scan-batch.js";
import type { ScanReport } from "../../src/secrets/types.js";
import { createScanPool } from "../../src/secrets/worker-pool.js";
import { cleanup } from "../support/repo.js";
import { buildPlantedRepo, type PlantedRepo } from "./support/planted-repo.js";
import { TokenFactory } from "./support/tokens.js";

const root = resolve(import.meta.dirname, "../..");
let fixture: PlantedRepo;
let inProcess: ScanReport;
const scratch = mkdtempSync(join(tmpdir(), "ar-worker-"));

const summary = (r: ScanReport) =>
  r.findings.map((f) => `${f.path}:${f.line} ${f.rule} ${f.commit ?? ""}`).sort();

beforeAll(async () => {
  fixture = buildPlantedRepo(5);
  inProcess = await runSecretGate({
    repo: fixture.repo,
    revs: fixture.revs,
    files: fixture.files,
    workers: 0,
  });
});
afterAll(() => cleanup(fixture.repo, scratch));

describe("worker threads", () => {
  it("run from TypeScript source and find exactly what the main thread finds", async () => {
    const threaded = await runSecretGate({
      repo: fixture.repo,
      revs: fixture.revs,
      files: fixture.files,
      workers: 2,
    });
    expect(inProcess.stats.workers).toBe(0);
    expect(threaded.stats.workers).toBe(2);
    expect(summary(threaded)).toEqual(summary(inProcess));
    expect(threaded.findings.length).toBeGreaterThan(100);
  });

  it("run from a single-file bundle, without starting the bundle's own entry code in the worker", async () => {
    const entry = join(scratch, "entry.ts");
    writeFileSync(
      entry,
      [
        `import { runSecretGate } from ${JSON.stringify(join(root, "src/package/secret-gate.ts"))};`,
        // Stands for the CLI's or the MCP server's start-up, which must run once, on the main thread.
        `console.log("ENTRY BODY RAN");`,
        "const [repo, ...revs] = process.argv.slice(2);",
        "const report = await runSecretGate({ repo, revs, files: [], workers: 2 });",
        "console.log(JSON.stringify({ workers: report.stats.workers, findings: report.findings.length }));",
      ].join("\n"),
    );
    const outfile = join(scratch, "bundle.js");
    // Exactly the options of the release build (scripts/build.mjs).
    await build({ ...bundleOptions(entry, outfile), logLevel: "silent" });
    const historyFindings = inProcess.findings.filter((f) => f.source === "history").length;
    const out = execFileSync(process.execPath, [outfile, fixture.repo, ...fixture.revs], {
      cwd: scratch, // no node_modules here: the bundle must stand alone
      encoding: "utf8",
    });
    const lines = out.trim().split("\n");
    expect(lines.filter((l) => l === "ENTRY BODY RAN")).toHaveLength(1);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ workers: 2, findings: historyFindings });
  });

  it("reuse batch buffers without reading what an earlier, longer batch left in them", async () => {
    const pool = await createScanPool({ workers: 1 });
    try {
      // A long batch with a token at its very end, then shorter clean ones in the buffer it returns.
      const long = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, "x\n"), batch()[0][0]!]);
      const first = await pool.scan([long], [{ ...batch()[1][0]!, end: long.length }]);
      expect(first[0]!.findings.map((f) => f.rule)).toEqual(["github-token"]);
      for (let i = 0; i < 3; i++) {
        const clean = Buffer.from("nothing to see here\n");
        const later = await pool.scan(
          [clean.subarray(0, 8), clean.subarray(8)],
          [{ ...batch()[1][0]!, end: clean.length }],
        );
        expect(later[0]!.findings).toEqual([]);
      }
      const again = await pool.scan(...batch());
      expect(again[0]!.findings.map((f) => f.rule)).toEqual(["github-token"]);
    } finally {
      await pool.close();
    }
  });

  it("scan blobs that arrive in pieces exactly as whole ones, on a worker and on this thread", async () => {
    const t = new TokenFactory(7);
    // Enough blobs for several batches; each secret sits at a different offset of its blob.
    const blobs = Array.from({ length: 1200 }, (_, i) =>
      Buffer.from(`${"filler line\n".repeat(i % 50)}const token = "${t.githubPat()}";\nother = ${i}\n`),
    );
    const history = (cut: number): HistorySource => ({
      blobs: blobs.map((b, i) => ({ oid: gitBlobId(b), path: `f${i}.ts`, size: b.length })),
      async *read() {
        for (const b of blobs) {
          const parts: Buffer[] = [];
          for (let at = 0; at < b.length; at += cut) parts.push(b.subarray(at, at + cut));
          yield { oid: gitBlobId(b), parts };
        }
      },
      locate: async () => new Map(),
    });
    const found = async (cut: number, workers: number | "auto") =>
      (await scanShippedContent({ history: history(cut), workers })).findings.map(
        (f) => `${f.path}:${f.line}:${f.column} ${f.rule} ${f.masked}`,
      );
    const whole = await found(1 << 30, 0);
    expect(whole).toHaveLength(blobs.length);
    expect(await found(7, 0)).toEqual(whole);
    expect(await found(7, 1)).toEqual(whole);
    expect(await found(1000, "auto")).toEqual(whole);
  });

  it("fall back to the calling thread when a worker cannot start", async () => {
    const notes: string[] = [];
    const pool = await createScanPool({
      workers: 2,
      onNote: (n) => notes.push(n),
      launch: { filename: "throw new Error('no worker for you')", options: { eval: true } },
    });
    expect(pool.workers).toBe(0);
    expect(notes[0]).toMatch(/main thread.*no worker for you/);
    const results = await pool.scan(...batch());
    expect(results[0]!.findings.map((f) => f.rule)).toEqual(["github-token"]);
  });

  it("finish a dying worker's batches on the calling thread", async () => {
    const notes: string[] = [];
    const pool = await createScanPool({
      workers: 1,
      onNote: (n) => notes.push(n),
      launch: {
        filename:
          "const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true }); parentPort.on('message', () => process.exit(3));",
        options: { eval: true },
      },
    });
    expect(pool.workers).toBe(1);
    const results = await pool.scan(...batch());
    expect(results[0]!.findings.map((f) => f.rule)).toEqual(["github-token"]);
    expect(notes.join("\n")).toMatch(/worker stopped/);
    await pool.close();
  });
});

function batch(): [Uint8Array[], BatchItem[]] {
  const bytes = Buffer.from(`GH=${new TokenFactory(1).githubPat()}\n`);
  return [
    [bytes],
    [
      {
        key: "k",
        path: "a.env",
        start: 0,
        end: bytes.length,
        mode: "text",
        firstLine: 1,
        firstColumnShift: 0,
      },
    ],
  ];
}
