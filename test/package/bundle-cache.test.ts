/**
 * The kept bundles' disk stays bounded: a few per repository, and the folders of repositories that
 * are gone or long unused go when another bundle is kept.
 */
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BundleRecord, keepBundle, repoCacheDir } from "../../src/package/bundle-cache.js";
import { cleanup, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function setup() {
  const root = tempDir("ar-bundle-cache-");
  const work = tempDir("ar-bundle-src-");
  dirs.push(root, work);
  const bundle = join(work, "repo.bundle");
  writeFileSync(bundle, "a bundle's bytes");
  const record = (objectsDir: string): BundleRecord => ({
    heads: [],
    sha256: "0".repeat(64),
    bytes: 16,
    snapshot: null,
    objectsDir,
  });
  return { root, work, bundle, record };
}

const daysAgo = (path: string, days: number) => {
  const at = new Date(Date.now() - days * 86_400_000);
  utimesSync(path, at, at);
};

describe("kept bundles", () => {
  it("keeps the 3 most recently kept of one repository", async () => {
    const { root, work, bundle, record } = setup();
    const dir = repoCacheDir(root, work);
    for (const key of ["k1", "k2", "k3", "k4"]) {
      await keepBundle(dir, key, bundle, record(work));
      daysAgo(join(dir, `${key}.json`), 10 - Number(key[1])); // k4 newest
    }
    await keepBundle(dir, "k5", bundle, record(work));
    expect(readdirSync(dir).sort()).toEqual(
      ["k3.bundle", "k3.json", "k4.bundle", "k4.json", "k5.bundle", "k5.json"].sort(),
    );
  });

  it("drops the folder of a repository that is gone, and of one unused for 30 days, never the one in use", async () => {
    const { root, work, bundle, record } = setup();
    const goneRepo = join(work, "deleted-clone", ".git", "objects");
    const oldRepo = tempDir("ar-bundle-old-");
    const liveRepo = tempDir("ar-bundle-live-");
    dirs.push(oldRepo, liveRepo);
    const gone = repoCacheDir(root, goneRepo);
    const old = repoCacheDir(root, oldRepo);
    const live = repoCacheDir(root, liveRepo);
    mkdirSync(join(work, "deleted-clone", ".git", "objects"), { recursive: true });
    await keepBundle(gone, "g", bundle, record(goneRepo));
    await keepBundle(old, "o", bundle, record(oldRepo));
    await keepBundle(live, "l", bundle, record(liveRepo));
    for (const f of readdirSync(old)) daysAgo(join(old, f), 31);
    cleanup(join(work, "deleted-clone"));

    const mine = repoCacheDir(root, work);
    await keepBundle(mine, "m", bundle, record(work));
    expect(readdirSync(root).sort()).toEqual([live, mine].map((d) => d.slice(root.length + 1)).sort());
  });
});
