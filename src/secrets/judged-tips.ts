/**
 * Which ref tips of a repository were judged under this rule set, and which blobs reachable from
 * them had anything found in them. A later scan then enumerates only the objects reachable from
 * new tips and not from judged ones (`git rev-list --objects NEW ^OLD`), and takes the blobs with
 * findings (whose verdicts sit in the verdict cache) from here: that is what makes an unchanged
 * repository a sub-second scan. Kept next to the verdicts of the same rule-set version, one file
 * per repository, replaced atomically; written only after the verdicts it relies on are saved.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { BlobMeta } from "./scan.js";

export interface JudgedTips {
  /** Ref name (or HEAD) to the object it pointed at. */
  tips: Record<string, string>;
  /** Unique blobs reachable from the tips. */
  blobCount: number;
  /** Those of them with any finding (allowlisted or not), or a credential-file name. */
  dirty: BlobMeta[];
}

function fileFor(folder: string, repo: string): string {
  const key = createHash("sha256").update(resolve(repo)).digest("hex").slice(0, 16);
  return join(folder, `tips-${key}.json`);
}

export async function loadJudgedTips(folder: string, repo: string): Promise<JudgedTips | undefined> {
  try {
    const parsed = JSON.parse(await readFile(fileFor(folder, repo), "utf8")) as JudgedTips;
    if (
      typeof parsed.tips !== "object" ||
      !Array.isArray(parsed.dirty) ||
      !Number.isInteger(parsed.blobCount)
    )
      return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

/** Never throws: without this file the next scan simply enumerates everything again. */
export async function saveJudgedTips(folder: string, repo: string, state: JudgedTips): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
    const target = fileFor(folder, repo);
    const tmp = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, target);
  } catch {
    // Read-only state directory: no harm done.
  }
}
