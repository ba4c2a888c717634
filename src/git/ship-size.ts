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

/** What the working tree holds beyond HEAD, as git lists it. */
export interface WorkTreeChanges {
  /** `ls-files --others --exclude-standard`: untracked, not ignored. */
  untracked: string[];
  /** `ls-files --modified`: tracked and changed (or deleted). */
  modified: string[];
}

export async function listWorkTreeChanges(git: Git): Promise<WorkTreeChanges> {
  // One process for both lists (-t tags each path: "?" untracked, "C" modified or deleted).
  const out = await git.run(["ls-files", "-z", "-t", "--others", "--modified", "--exclude-standard"]);
  const changes: WorkTreeChanges = { untracked: [], modified: [] };
  for (const entry of out.split("\0")) {
    if (entry.startsWith("? ")) changes.untracked.push(entry.slice(2));
    else if (entry.length > 2) changes.modified.push(entry.slice(2));
  }
  return changes;
}

/** The on-disk size of every object reachable from `--branches --tags HEAD`. */
export async function historyDiskUsage(git: Git): Promise<number> {
  const out = await git.run(["rev-list", "--objects", "--disk-usage", "--branches", "--tags", "HEAD"]);
  return Number(out.trim()) || 0;
}

/**
 * `known` spares listing again what the caller has listed already: the history's size (the same
 * refs measured before) and the working tree's changes.
 */
export async function measureShipSize(
  git: Git,
  isExcluded: (path: string) => boolean,
  known: { historyBytes?: number; changes?: WorkTreeChanges } = {},
): Promise<ShipSize> {
  const [historyBytes, changes] = await Promise.all([
    known.historyBytes ?? historyDiskUsage(git),
    known.changes ?? listWorkTreeChanges(git),
  ]);
  const paths = [...new Set([...changes.untracked.filter((p) => !isExcluded(p)), ...changes.modified])];
  const sized = await mapLimit(paths, 16, async (path) => {
    // A deleted file adds nothing; a symbolic link ships as its target's name, not its content.
    const st = await lstat(join(git.cwd, path)).catch(() => null);
    return { path, bytes: st?.isFile() ? st.size : 0 };
  });
  return {
    historyBytes,
    worktreeBytes: sized.reduce((sum, f) => sum + f.bytes, 0),
    largest: sized.sort((a, b) => b.bytes - a.bytes).slice(0, 3),
  };
}
