/**
 * Secret gate benchmark: `npx tsx bench/scan.bench.ts [--blobs N] [--regenerate]`.
 *
 * Generates (once, under .bench-tmp/) a repository with a long history of varied text files, then
 * measures in this process:
 *   floor   `git cat-file --batch` reading every unique blob, output discarded: what reading alone costs
 *   cold    the full gate (list, read, prefilter, rules, secretlint, cache write), no cache
 *   single  the same on the calling thread only, to show what the worker threads buy
 *   warm    a repeat with the cache from the cold run
 * Throughput is unique blob content (MB = 10^6 bytes) per second of wall time; peak RSS is the
 * process's maximum resident set, which includes the worker threads.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listReachableBlobs } from "../src/git/blobs.js";
import { runSecretGate } from "../src/package/secret-gate.js";

import type { ScanReport } from "../src/secrets/types.js";
import { seeded } from "../test/secrets/support/tokens.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const REPO = join(ROOT, ".bench-tmp", "scan-bench-repo");
const REVS = ["--branches", "--tags", "HEAD"];
const args = process.argv.slice(2);
const BLOBS = Number(args[args.indexOf("--blobs") + 1]) || 4200;
/** Bump when the generator changes, so a stale repository under .bench-tmp/ is rebuilt. */
const GENERATOR = `v2-${BLOBS}`;
const STAMP = join(REPO, ".git", "bench-generator");

// ---------------------------------------------------------------- generation (git fast-import)

const WORDS =
  "the of and to in is that for it as with was on be by this are or from at which an have not but all were when we there can more if will one about up out them so into has time only new some could these two may first then do any like my now over such our man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three".split(
    " ",
  );
const IDENTS =
  "config client request response handler buffer stream cache index value result options state context session token apiKey user account payload header router service model parser reader writer queue worker pool batch record entry node tree commit branch".split(
    " ",
  );

function textFile(r: () => number, kind: number, bytes: number, serial: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const lines: string[] = [`// file ${serial}`];
  let size = 0;
  while (size < bytes) {
    let line: string;
    const n = r();
    if (kind === 0) {
      // TypeScript-ish code: most lines mention identifiers that contain keywords (token, apiKey).
      line =
        n < 0.3
          ? `export function ${pick(IDENTS)}${Math.floor(r() * 1e6)}(${pick(IDENTS)}: string, ${pick(IDENTS)}: number) {`
          : n < 0.6
            ? `  const ${pick(IDENTS)} = ${pick(IDENTS)}.${pick(IDENTS)}(${pick(IDENTS)}, ${Math.floor(r() * 1e9)});`
            : n < 0.8
              ? `  if (${pick(IDENTS)}.length > ${Math.floor(r() * 1000)}) return ${pick(IDENTS)};`
              : `  // ${Array.from({ length: 8 }, () => pick(WORDS)).join(" ")}`;
    } else if (kind === 1) {
      // Prose (README, docs).
      line = Array.from({ length: 10 + Math.floor(r() * 10) }, () => pick(WORDS)).join(" ");
    } else if (kind === 2) {
      // YAML-ish configuration with placeholder credentials.
      line =
        n < 0.1
          ? `${pick(IDENTS)}_token: \${${pick(IDENTS).toUpperCase()}_TOKEN}`
          : `${pick(IDENTS)}_${pick(IDENTS)}: ${pick(WORDS)}-${Math.floor(r() * 1e6)}`;
    } else {
      // JSON data.
      line = `  {"id": ${Math.floor(r() * 1e9)}, "name": "${pick(WORDS)} ${pick(WORDS)}", "score": ${r().toFixed(6)}},`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

async function generate(repo: string, blobs: number): Promise<void> {
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main", repo]);
  const fi = spawn("git", ["fast-import", "--quiet"], { cwd: repo, stdio: ["pipe", "inherit", "inherit"] });
  const done = new Promise<void>((ok, fail) =>
    fi.on("exit", (c) => (c === 0 ? ok() : fail(new Error(`fast-import ${c}`)))),
  );
  const write = (s: string | Buffer) =>
    fi.stdin.write(s) ? Promise.resolve() : new Promise<void>((ok) => fi.stdin.once("drain", () => ok()));

  const r = seeded(1234);
  const filesPerCommit = 10;
  const commits = Math.ceil(blobs / filesPerCommit);
  const paths = Array.from({ length: 600 }, (_, i) => {
    const kind = i % 4;
    const ext = [".ts", ".md", ".yaml", ".json"][kind];
    return { path: `pkg${i % 23}/dir${i % 7}/file${i}${ext}`, kind };
  });
  let mark = 1;
  let serial = 0;
  let tagMark = 0;
  const when = 1_700_000_000;
  for (let c = 0; c < commits; c++) {
    const changes: string[] = [];
    for (let f = 0; f < filesPerCommit; f++) {
      const p = paths[Math.floor(r() * paths.length)]!;
      let content: Buffer;
      if (serial % 997 === 500)
        content = Buffer.alloc(DEFAULT_MAX_BLOB_BYTES + 1024, "a"); // over the cap
      else if (serial % 499 === 7)
        content = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, ...Array(4000).fill(1)]); // binary
      else content = Buffer.from(textFile(r, p.kind, 20_000 + Math.floor(r() * 60_000), serial));
      serial++;
      await write(`blob\nmark :${mark}\ndata ${content.length}\n`);
      await write(content);
      await write("\n");
      changes.push(`M 100644 :${mark} ${p.path}\n`);
      mark++;
    }
    const msg = `commit ${c}\n`;
    // The last ten commits go on a feature branch; a fast-import ref continues from its own tip.
    const onFeature = c >= commits - 10;
    await write(
      `commit refs/heads/${onFeature ? "feature" : "main"}\nmark :${mark}\n` +
        `committer Bench <bench@example.invalid> ${when + c * 60} +0000\ndata ${msg.length}\n${msg}` +
        (c === commits - 10 ? "from refs/heads/main\n" : "") +
        changes.join(""),
    );
    if (c === Math.floor(commits / 2)) tagMark = mark;
    mark++;
  }
  await write(`reset refs/tags/v1\nfrom :${tagMark}\n\n`);
  fi.stdin.end();
  await done;
  execFileSync("git", ["checkout", "-q", "main"], { cwd: repo });
}

// ---------------------------------------------------------------- measurement

async function floor(repo: string, oids: string[]): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const child = spawn("git", ["cat-file", "--batch"], { cwd: repo, stdio: ["pipe", "pipe", "inherit"] });
  child.stdin.end(`${oids.join("\n")}\n`);
  let bytes = 0;
  for await (const chunk of child.stdout) bytes += (chunk as Buffer).length;
  await new Promise((ok) => child.on("close", ok));
  return { ms: performance.now() - started, bytes };
}

/**
 * The same cold scan from a single-file esbuild bundle (how dist/cli.js and dist/server.js run),
 * in a child process: worker threads start from the bundle instead of compiling TypeScript.
 */
async function bundledCold(
  workers: number,
): Promise<{ ms: number; rssMb: number; stats: ScanReport["stats"] }> {
  const dir = join(ROOT, ".bench-tmp");
  const entry = join(dir, "scan-bench-entry.ts");
  const outfile = join(dir, "scan-bench-bundle.mjs");
  {
    // Rebuilt every run, so the bundle measures the current sources.
    writeFileSync(
      entry,
      [
        `import { runSecretGate } from ${JSON.stringify(join(ROOT, "src/package/secret-gate.ts"))};`,
        "const [repo, workers] = process.argv.slice(2);",
        "const t0 = performance.now();",
        `const report = await runSecretGate({ repo, revs: ${JSON.stringify(REVS)}, files: [], workers: Number(workers) });`,
        "const ms = performance.now() - t0;",
        "console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, stats: report.stats }));",
      ].join("\n"),
    );
    const { build } = await import("esbuild");
    const { bundleOptions } = await import("../scripts/bundle-options.mjs");
    await build({ ...bundleOptions(entry, outfile), logLevel: "silent" });
  }
  const out = execFileSync(process.execPath, [outfile, REPO, String(workers)], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

async function timed(label: string, run: () => Promise<ScanReport>) {
  const started = performance.now();
  const report = await run();
  const ms = performance.now() - started;
  return { label, ms, report, rssMb: process.resourceUsage().maxRSS / 1024 };
}

async function main() {
  if (args.includes("--generate")) {
    await generate(args[args.indexOf("--generate") + 1]!, BLOBS);
    return;
  }
  const stale = !existsSync(STAMP) || readFileSync(STAMP, "utf8") !== GENERATOR;
  if (args.includes("--regenerate") || stale) {
    const t0 = performance.now();
    // In a child, so this process's peak RSS is the scan's alone.
    execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "--generate", REPO, "--blobs", String(BLOBS)],
      {
        stdio: "inherit",
      },
    );
    writeFileSync(STAMP, GENERATOR);
    console.log(`generated ${REPO} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const commits = execFileSync("git", ["rev-list", "--count", ...REVS], {
    cwd: REPO,
    encoding: "utf8",
  }).trim();
  const blobs = await listReachableBlobs(REPO, REVS);
  const scannable = blobs.filter((b) => b.size <= DEFAULT_MAX_BLOB_BYTES);
  const uniqueMb = scannable.reduce((n, b) => n + b.size, 0) / 1e6;
  console.log(
    `repo: ${commits} commits, ${blobs.length} unique blobs, ${(blobs.reduce((n, b) => n + b.size, 0) / 1e6).toFixed(1)} MB ` +
      `(${scannable.length} blobs, ${uniqueMb.toFixed(1)} MB under the ${DEFAULT_MAX_BLOB_BYTES / 2 ** 20} MB cap); ` +
      `${availableParallelism()} cores, node ${process.version}`,
  );

  // Warm the OS page cache the same way for everyone, then take the floor.
  await floor(
    REPO,
    scannable.map((b) => b.oid),
  );
  const f = await floor(
    REPO,
    scannable.map((b) => b.oid),
  );
  const floorRss = process.resourceUsage().maxRSS / 1024;

  const cacheDir = mkdtempSync(join(tmpdir(), "ar-bench-cache-"));
  const single = await timed("cold, main thread only", () =>
    runSecretGate({ repo: REPO, revs: REVS, files: [], workers: 0 }),
  );
  const cold = await timed("cold (no cache)", () =>
    runSecretGate({ repo: REPO, revs: REVS, files: [], cacheDir }),
  );
  const warm = await timed("warm (cached)", () =>
    runSecretGate({ repo: REPO, revs: REVS, files: [], cacheDir }),
  );
  rmSync(cacheDir, { recursive: true, force: true });
  const bundled = [
    { label: "bundle, cold, main thread only", ...(await bundledCold(0)) },
    { label: "bundle, cold, 2 workers", ...(await bundledCold(2)) },
  ];

  const rows: string[][] = [
    ["run", "wall", "MB/s", "x floor", "blobs scanned", "reached rules", "workers", "peak RSS"],
  ];
  rows.push([
    "floor: git cat-file --batch",
    `${(f.ms / 1000).toFixed(2)} s`,
    (f.bytes / 1e6 / (f.ms / 1000)).toFixed(0),
    "1.00",
    String(scannable.length),
    "-",
    "-",
    `${floorRss.toFixed(0)} MB`,
  ]);
  for (const r of [single, cold, warm]) {
    const s = r.report.stats;
    rows.push([
      r.label,
      `${(r.ms / 1000).toFixed(2)} s`,
      (uniqueMb / (r.ms / 1000)).toFixed(0),
      (r.ms / f.ms).toFixed(2),
      `${s.blobsScanned} (+${s.blobsFromCache} cached)`,
      String(s.reachedEngine ?? "-"),
      String(s.workers ?? "-"),
      `${r.rssMb.toFixed(0)} MB`,
    ]);
  }
  for (const b of bundled) {
    rows.push([
      b.label,
      `${(b.ms / 1000).toFixed(2)} s`,
      (uniqueMb / (b.ms / 1000)).toFixed(0),
      (b.ms / f.ms).toFixed(2),
      `${b.stats.blobsScanned} (+${b.stats.blobsFromCache} cached)`,
      String(b.stats.reachedEngine ?? "-"),
      String(b.stats.workers ?? "-"),
      `${b.rssMb.toFixed(0)} MB`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
  const s = cold.report.stats;
  console.log(
    `cold: ${cold.report.findings.length} findings, ${s.skippedBinary} binary and ${s.skippedLarge} over-cap blobs skipped; ` +
      `MB/s is unique blob content (${uniqueMb.toFixed(1)} MB) per wall second`,
  );
}

await main();
