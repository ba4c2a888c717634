/**
 * How big what would ship is, known before anything is written: the on-disk size of the objects
 * reachable from the shipped refs, plus the files of the working tree that the snapshot of
 * uncommitted work would add (untracked, non-ignored files and modified tracked files, sized from
 * the file system). Nothing is hashed, so a 600 MB file is refused in about the time of a
 * `git status`, before it could reach any object store.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { mapLimit } from "../util/map-limit.js";
import type { Git } from "./git.js";

export interface ShipSize {
  historyBytes: number;
  worktreeBytes: number;
  /** The largest working-tree files, for the message that refuses. */
  largest: { path: string; bytes: number }[];
}

export async function measureShipSize(git: Git, isExcluded: (path: string) => boolean): Promise<ShipSize> {
  const [history, untracked, modified] = await Promise.all([
    git.run(["rev-list", "--objects", "--disk-usage", "--branches", "--tags", "HEAD"]),
    git.run(["ls-files", "-z", "--others", "--exclude-standard"]),
    git.run(["ls-files", "-z", "--modified"]),
  ]);
  const paths = [
    ...new Set([...untracked.split("\0").filter((p) => p && !isExcluded(p)), ...modified.split("\0")]),
  ].filter(Boolean);
  const sized = await mapLimit(paths, 16, async (path) => {
    // A deleted file adds nothing; a symbolic link ships as its target's name, not its content.
    const st = await lstat(join(git.cwd, path)).catch(() => null);
    return { path, bytes: st?.isFile() ? st.size : 0 };
  });
  return {
    historyBytes: Number(history.trim()) || 0,
    worktreeBytes: sized.reduce((sum, f) => sum + f.bytes, 0),
    largest: sized.sort((a, b) => b.bytes - a.bytes).slice(0, 3),
  };
}
