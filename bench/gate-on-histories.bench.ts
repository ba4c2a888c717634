/**
 * The secret gate on real histories: what it reports and blocks on each, and how long a cold scan
 * takes against reading the same objects with git alone.
 *
 *   npx tsx bench/gate-on-histories.bench.ts DIR...
 *
 * Each DIR is a local clone of a public repository (never committed here; /work/.mirror holds
 * some, brought by the tool library's `fetch`). The repositories are only read: every run uses a
 * fresh cache directory, so each scan is a cold one. Per repository it prints the blobs that ship,
 * the findings, the blocking ones (path, rule and masked value, at most five), the gate's wall time
 * and its ratio to the floor: `git rev-list --objects` piped into `git cat-file --batch`, every
 * shipped object read once, output discarded, measured just before.
 *
 * A false positive found here is fixed as a class (a rule, a stand-in, a test path) with a line of
 * its kind in test/secrets/negatives.test.ts, never by an exception for the repository.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSecretGate } from "../src/package/secret-gate.js";

const REVS = ["--branches", "--tags", "HEAD"];
const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.log("usage: npx tsx bench/gate-on-histories.bench.ts DIR... (local clones of public repositories)");
  process.exit(0);
}

function floorMs(repo: string): number {
  const started = performance.now();
  execFileSync(
    "bash",
    ["-c", `git rev-list --objects ${REVS.join(" ")} | cut -d' ' -f1 | git cat-file --batch > /dev/null`],
    {
      cwd: repo,
      stdio: "ignore",
      maxBuffer: 1 << 30,
    },
  );
  return performance.now() - started;
}

let blockedRepos = 0;
for (const repo of dirs) {
  const name = repo.replace(/\/+$/, "").split("/").slice(-2).join("/");
  const cache = mkdtempSync(join(tmpdir(), "ar-gate-histories-"));
  try {
    const floor = floorMs(repo);
    const started = performance.now();
    const report = await runSecretGate({ repo, revs: REVS, files: [], cacheDir: cache });
    const ms = performance.now() - started;
    const blocking = report.findings.filter((f) => f.severity === "block");
    if (blocking.length > 0) blockedRepos++;
    console.log(
      `${name}: ${report.stats.blobsTotal} blobs, ${report.findings.length} finding(s), ${blocking.length} blocking; gate ${(ms / 1000).toFixed(1)} s, ${(ms / floor).toFixed(1)}x the floor (${(floor / 1000).toFixed(2)} s)`,
    );
    const shown = new Map<string, number>();
    for (const f of blocking) {
      const key = `${f.path}  ${f.rule}  ${f.masked}`;
      shown.set(key, (shown.get(key) ?? 0) + 1);
    }
    for (const [key, n] of [...shown].slice(0, 5))
      console.log(`    blocks: ${key}${n > 1 ? ` (x${n})` : ""}`);
  } catch (err) {
    console.log(`${name}: ${(err as Error).message.split("\n")[0]}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
console.log(`${blockedRepos} of ${dirs.length} histories blocked`);
