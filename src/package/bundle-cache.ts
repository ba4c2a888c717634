/**
 * Bundles made before, kept by what determines their bytes, so packaging the same refs and the same
 * uncommitted work again copies a file instead of running `git bundle create` (the largest part of
 * a warm package). One folder per user repository (named by its object directory) under the state
 * directory's package cache:
 *
 *   <key>.bundle, <key>.json   a verified bundle and what it holds (heads, sha256, snapshot commit)
 *   tips-<key>.json            facts that depend only on the ref tips (history size, root commit)
 *
 * The key is a hash of everything the bundle's bytes depend on: the rev args, every shipped ref
 * and its tip, HEAD, and the snapshot (tree, parent, identity; its date comes from the entry). A
 * git object id names its content, so equal tips mean equal history. The other parts of the archive
 * (manifest, params, .claude files, scripts) are written fresh for every run and never cached.
 *
 * Entries are written to a temporary name and renamed into place, the bundle before its record: a
 * failure leaves no record, and a record names a whole, verified file. A copy that does not hash to
 * its record is not used. The cache is a speed-up only: any failure to read or write it packages
 * from scratch.
 *
 * Disk is bounded: KEEP bundles per repository, and each time a bundle is kept the folders of
 * other repositories are dropped when their repository is gone or they went unused for
 * UNUSED_DAYS, so a user who never runs `rm` does not carry the history of every clone forever.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import type { BundleHead } from "../git/bundle.js";
import { sha256File } from "../util/hash.js";

/**
 * How many bundles are kept per repository (the newest used). Each is the whole shipped history,
 * so a few: enough for the same refs again and a switch between branches, not a disk's worth.
 */
const KEEP = 3;

/** A repository's folder unused this long is dropped with everything in it. */
const UNUSED_DAYS = 30;

export interface BundleRecord {
  heads: BundleHead[];
  sha256: string;
  bytes: number;
  /** The snapshot commit in the bundle and its date (to make the same commit again), or null. */
  snapshot: { commit: string; date: string; changedPaths: string[] } | null;
  /** The repository's object directory: once it is gone, so is the reason to keep its folder. */
  objectsDir?: string;
}

export interface TipFacts {
  historyBytes: number;
  repoKey: string;
}

/** The folder of one repository's entries, named by its object directory. */
export function repoCacheDir(root: string, objectsDir: string): string {
  return join(root, createHash("sha256").update(objectsDir).digest("hex").slice(0, 16));
}

/** A key for any JSON-able description of what determines an output. */
export function cacheKey(what: unknown): string {
  return createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 32);
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return null;
  }
}

/** Writes `text` to `path` through a temporary name, so a reader never sees half of it. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function readTipFacts(dir: string, key: string): Promise<TipFacts | null> {
  return readJson<TipFacts>(join(dir, `tips-${key}.json`));
}

export async function keepTipFacts(dir: string, key: string, facts: TipFacts): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeAtomic(join(dir, `tips-${key}.json`), JSON.stringify(facts));
  } catch {
    // Not kept: measured again next time.
  }
}

export function readBundleRecord(dir: string, key: string): Promise<BundleRecord | null> {
  return readJson<BundleRecord>(join(dir, `${key}.json`));
}

/**
 * Puts the kept bundle at `dest` (a hard link when the cache and `dest` share a file system: no
 * one writes a bundle in place, they are only replaced), true when it hashes to its record. A
 * missing or damaged file is a miss (and `dest` is removed).
 */
export async function placeKeptBundle(
  dir: string,
  key: string,
  record: BundleRecord,
  dest: string,
): Promise<boolean> {
  const source = join(dir, `${key}.bundle`);
  try {
    await link(source, dest).catch(() => copyFile(source, dest));
    const [sha256, size] = await Promise.all([sha256File(dest), stat(dest)]);
    if (size.size !== record.bytes || sha256 !== record.sha256) throw new Error("damaged");
  } catch {
    await rm(dest, { force: true });
    return false;
  }
  // The newest used are the ones kept.
  const now = new Date();
  await utimes(join(dir, `${key}.json`), now, now).catch(() => {});
  return true;
}

/** Keeps a copy of a verified bundle under `key`, then drops the least recently used beyond KEEP. */
export async function keepBundle(
  dir: string,
  key: string,
  bundle: string,
  record: BundleRecord,
): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${key}.${randomUUID()}.tmp`);
    try {
      // A bundle is never written in place once made, so a hard link is a safe, free copy.
      await link(bundle, tmp).catch(() => copyFile(bundle, tmp));
      await rename(tmp, join(dir, `${key}.bundle`));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await writeAtomic(join(dir, `${key}.json`), JSON.stringify(record));
    await prune(dir);
    await sweepOtherRepositories(dirname(dir), dir);
  } catch {
    // Not kept: the next package of the same refs makes its bundle again.
  }
}

async function prune(dir: string): Promise<void> {
  const files = await readdir(dir);
  const records = await newestFirst(dir, files.filter(isRecord));
  for (const f of records.slice(KEEP)) {
    // The record first: a bundle without a record is never used.
    await rm(join(dir, f), { force: true });
    await rm(join(dir, `${f.slice(0, -".json".length)}.bundle`), { force: true });
  }
  const tips = await newestFirst(
    dir,
    files.filter((f) => f.startsWith("tips-")),
  );
  for (const f of tips.slice(KEEP * 4)) await rm(join(dir, f), { force: true });
}

const isRecord = (f: string) => f.endsWith(".json") && !f.startsWith("tips-");

/** Drops the folders of repositories that are gone or unused for UNUSED_DAYS (never `self`). */
export async function sweepOtherRepositories(root: string, self: string, now = Date.now()): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const dir = join(root, name);
    if (dir === self) continue;
    const files = await readdir(dir).catch(() => null);
    if (!files) continue;
    const times = await Promise.all(
      files.map(async (f) => (await stat(join(dir, f)).catch(() => null))?.mtimeMs ?? 0),
    );
    const unused = now - Math.max(0, ...times) > UNUSED_DAYS * 86_400_000;
    const record = files.find(isRecord);
    const origin = record ? (await readJson<BundleRecord>(join(dir, record)))?.objectsDir : undefined;
    const gone = origin !== undefined && (await stat(origin).catch(() => null)) === null;
    if (unused || gone) await rm(dir, { recursive: true, force: true });
  }
}

async function newestFirst(dir: string, files: string[]): Promise<string[]> {
  const dated = await Promise.all(
    files.map(async (f) => ({ f, at: (await stat(join(dir, f)).catch(() => null))?.mtimeMs ?? 0 })),
  );
  return dated.sort((a, b) => b.at - a.at).map((d) => d.f);
}
