/**
 * Verdicts that cannot change while the rule set stays the same, keyed by blob id: what the rules
 * found in a blob (nothing, mostly), and whether it was scanned as binary. Findings are cached
 * too, masked as they leave the engine (never a raw value), so a repeat run reads and scans only
 * blobs it has not seen, and the allowlist, applied afterwards, can change freely between runs.
 *
 * Layout: <dir>/verdicts-<ruleset version>/<segment>.seg, one line per blob: "c <oid>" (clean
 * text), "b <oid>" (clean binary), "f <oid> <t|b> <json findings>". Each run appends one new
 * segment (written to a temp name, then renamed), so concurrent runs never write the same file;
 * when segments pile up, one run merges them. judged-tips.ts keeps its files in the same folder.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RawFinding } from "./engine.js";

export interface Verdict {
  binary: boolean;
  findings: RawFinding[];
}

export interface VerdictCache {
  get(oid: string): Verdict | undefined;
  set(oid: string, verdict: Verdict): void;
  /**
   * Writes verdicts learned in this run; false when they could not be written. Never throws: a
   * cache that cannot be written is just cold.
   */
  save(): Promise<boolean>;
  readonly size: number;
  /** The folder of this rule-set version. */
  readonly folder: string;
}

const MERGE_AFTER_SEGMENTS = 16;
const CLEAN_TEXT: Verdict = Object.freeze({ binary: false, findings: [] }) as Verdict;
const CLEAN_BINARY: Verdict = Object.freeze({ binary: true, findings: [] }) as Verdict;

export function verdictFolder(dir: string, rulesetVersion: string): string {
  return join(dir, `verdicts-${rulesetVersion}`);
}

export async function openVerdictCache(dir: string, rulesetVersion: string): Promise<VerdictCache> {
  const folder = verdictFolder(dir, rulesetVersion);
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
    folder,
    get: (oid) => known.get(oid) ?? fresh.get(oid),
    set(oid, verdict) {
      if (!known.has(oid)) fresh.set(oid, verdict);
    },
    get size() {
      return known.size + fresh.size;
    },
    async save() {
      try {
        if (fresh.size === 0) return true;
        await mkdir(folder, { recursive: true });
        const merge = loadedSegments.length >= MERGE_AFTER_SEGMENTS;
        const entries = merge ? new Map([...known, ...fresh]) : fresh;
        await writeSegment(folder, entries);
        if (merge)
          await Promise.all(loadedSegments.map((name) => unlink(join(folder, name)).catch(() => {})));
        return true;
      } catch {
        // Read-only state directory, disk full: the next run is simply slower.
        return false;
      }
    },
  };
}

const OID = /^[0-9a-f]{40,64}$/;

function parseSegment(text: string, into: Map<string, Verdict>): void {
  for (const line of text.split("\n")) {
    const kind = line[0];
    if (kind === "c" || kind === "b") {
      const oid = line.slice(2);
      if (OID.test(oid)) into.set(oid, kind === "c" ? CLEAN_TEXT : CLEAN_BINARY);
      continue;
    }
    if (kind !== "f") continue;
    const [, oid, mode, ...json] = line.split(" ");
    if (!oid || !OID.test(oid)) continue;
    try {
      const findings = JSON.parse(json.join(" ")) as RawFinding[];
      if (Array.isArray(findings)) into.set(oid, { binary: mode === "b", findings });
    } catch {
      // A torn line: that blob is simply scanned again.
    }
  }
}

async function writeSegment(folder: string, entries: Map<string, Verdict>): Promise<void> {
  const name = `${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const lines: string[] = [];
  for (const [oid, v] of entries) {
    if (v.findings.length === 0) lines.push(`${v.binary ? "b" : "c"} ${oid}`);
    else lines.push(`f ${oid} ${v.binary ? "b" : "t"} ${JSON.stringify(v.findings)}`);
  }
  const tmp = join(folder, `${name}.tmp`);
  await writeFile(tmp, `${lines.join("\n")}\n`);
  await rename(tmp, join(folder, `${name}.seg`));
}
