/**
 * Verdicts that cannot change while the rule set stays the same: "this blob is clean" and "this
 * blob is binary", keyed by blob id. A repeat run only reads and scans blobs it has not seen.
 *
 * Layout: <dir>/verdicts-<ruleset version>/<segment>.seg, lines "c <oid>" or "b <oid>". Each run
 * appends one new segment (written to a temp name, then renamed), so concurrent runs never write
 * the same file; when segments pile up, one run merges them.
 *
 * Only blobs with no raw finding at all are cached: a blob whose findings are allowlisted is
 * scanned again each time, so the allowlisted count in every report is complete.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

export type Verdict = "clean" | "binary";

export interface VerdictCache {
  get(oid: string): Verdict | undefined;
  set(oid: string, verdict: Verdict): void;
  /** Writes verdicts learned in this run. Never throws: a cache that cannot be written is just cold. */
  save(): Promise<void>;
  readonly size: number;
}

const MERGE_AFTER_SEGMENTS = 16;

export async function openVerdictCache(dir: string, rulesetVersion: string): Promise<VerdictCache> {
  const folder = join(dir, `verdicts-${rulesetVersion}`);
  const known = new Map<string, Verdict>();
  const loadedSegments: string[] = [];
  try {
    for (const name of await readdir(folder)) {
      if (!name.endsWith(".seg")) continue;
      try {
        parseSegment(await readFile(join(folder, name), "utf8"), known);
        loadedSegments.push(name);
      } catch {
        // Merged away by a concurrent run between readdir and readFile.
      }
    }
  } catch {
    // No cache yet.
  }
  const fresh = new Map<string, Verdict>();
  return {
    get: (oid) => known.get(oid) ?? fresh.get(oid),
    set(oid, verdict) {
      if (!known.has(oid)) fresh.set(oid, verdict);
    },
    get size() {
      return known.size + fresh.size;
    },
    async save() {
      try {
        if (fresh.size === 0) return;
        await mkdir(folder, { recursive: true });
        const merge = loadedSegments.length >= MERGE_AFTER_SEGMENTS;
        const entries = merge ? new Map([...known, ...fresh]) : fresh;
        await writeSegment(folder, entries);
        if (merge)
          await Promise.all(loadedSegments.map((name) => unlink(join(folder, name)).catch(() => {})));
      } catch {
        // Read-only state directory, disk full: the next run is simply slower.
      }
    },
  };
}

function parseSegment(text: string, into: Map<string, Verdict>): void {
  for (const line of text.split("\n")) {
    const kind = line[0];
    const oid = line.slice(2);
    if (!/^[0-9a-f]{40,64}$/.test(oid)) continue;
    if (kind === "c") into.set(oid, "clean");
    else if (kind === "b") into.set(oid, "binary");
  }
}

async function writeSegment(folder: string, entries: Map<string, Verdict>): Promise<void> {
  const name = `${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const lines: string[] = [];
  for (const [oid, verdict] of entries) lines.push(`${verdict === "clean" ? "c" : "b"} ${oid}`);
  const tmp = join(folder, `${name}.tmp`);
  await writeFile(tmp, `${lines.join("\n")}\n`);
  await rename(tmp, join(folder, `${name}.seg`));
}
