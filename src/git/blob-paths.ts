/**
 * Every path a blob ships at, for checks by name. `rev-list --objects` names each blob once, by the
 * first path it meets it at; the same content committed as `notes.txt` and later as `.netrc` ships
 * as a `.netrc` too. One `git log --raw` walk sees every (blob, path) pair of the history: a blob at
 * a path in some commit either sat there in that commit's first parent or shows in the commit's
 * diff against it (root commits diff against nothing, merges against their first parent).
 *
 * Without pathspecs the walk costs about what listing the objects does (git compares trees and
 * skips unchanged subtrees); with `:(glob)` pathspecs for the names it cost four times as much,
 * so the names are matched here, once per distinct path.
 */
import { defaultStreamRunner, type StreamRunner } from "../util/run.js";
import { type BlobPlace, gitFailure } from "./blobs.js";
import { RAW_LOG_ARGS, rawChanges } from "./raw-line.js";

export interface BlobAtPath {
  oid: string;
  path: string;
  /** A commit whose tree holds the blob at that path (the newest that put it there). */
  commit: string;
}

export interface PathWalkOptions {
  signal?: AbortSignal;
  stream?: StreamRunner;
  /**
   * Filled with the first place (newest commit, in log order) each blob of the walk sits at, path
   * name or not: what `locateBlobs` would find, so a finding can be shown without walking the
   * history a second time once the scan is over.
   */
  firstPlaces?: Map<string, BlobPlace>;
}

/**
 * The (blob, path) pairs of the commits reachable from `include` (`--branches`, `--tags`, `HEAD`,
 * object ids...) and from none of `exclude` (object ids) whose path `wanted` accepts; each once.
 */
export async function blobsAtPaths(
  repo: string,
  include: readonly string[],
  exclude: readonly string[],
  wanted: (path: string) => boolean,
  options: PathWalkOptions = {},
): Promise<BlobAtPath[]> {
  const excluded = new Set(exclude);
  // Nothing new since what was judged: no walk, and no process to start.
  if (include.every((rev) => excluded.has(rev))) return [];
  // Options such as --branches go on the command line; revs, however many, on stdin.
  const pseudoRevs = include.filter((rev) => rev.startsWith("-"));
  const revs = [...include.filter((rev) => !rev.startsWith("-")), ...exclude.map((oid) => `^${oid}`)];
  const spawn = options.stream ?? defaultStreamRunner;
  const log = spawn("git", [...RAW_LOG_ARGS, ...pseudoRevs, "--stdin"], {
    cwd: repo,
    signal: options.signal,
    stdin: true,
  });
  log.stdin?.end(revs.length > 0 ? `${revs.join("\n")}\n` : "");
  const verdicts = new Map<string, boolean>();
  const seen = new Set<string>();
  const found: BlobAtPath[] = [];
  const firstPlaces = options.firstPlaces;
  for await (const { path, newOid, newMode, commit } of rawChanges(log.stdout)) {
    // Deleted here (no new side), or a submodule's commit: no blob ships at this path.
    const noBlob = newMode === "160000" || /^0+$/.test(newOid);
    if (firstPlaces && !noBlob && !firstPlaces.has(newOid)) firstPlaces.set(newOid, { commit, path });
    let accepted = verdicts.get(path);
    if (accepted === undefined) {
      accepted = wanted(path);
      verdicts.set(path, accepted);
    }
    if (!accepted || noBlob) continue;
    const key = `${newOid}\t${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ oid: newOid, path, commit });
  }
  const result = await log.exited;
  if (result.canceled || result.exitCode !== 0) throw gitFailure(result, "log --raw");
  return found;
}
