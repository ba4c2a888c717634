/**
 * The blobs a bundle of `revs` would carry, for the secret gate: every unique blob reachable from
 * those revs, listed with its size, then streamed one at a time from `git cat-file --batch` so
 * memory stays bounded however long the history. Which commit and ref contain a blob is only asked
 * for blobs that had findings, because it means walking the history again.
 */

import { createInterface } from "node:readline";
import { RemoteError } from "../util/errors.js";
import { defaultStreamRunner, type StreamingProcess, type StreamRunner } from "../util/run.js";
import { missingObjectsError } from "./git.js";
import { RAW_LOG_ARGS, rawChanges } from "./raw-line.js";

export interface ReachableBlob {
  oid: string;
  /** The first path rev-list saw the blob at. */
  path: string;
  size: number;
}

export interface BlobWithContent extends ReachableBlob {
  content: Buffer;
}

/** A commit holding a blob, and the blob's path there. */
export interface BlobPlace {
  commit: string;
  path: string;
}

export interface BlobLocation {
  commit: string;
  ref?: string;
  path?: string;
}

interface StreamOptions {
  signal?: AbortSignal;
  /** Spawns git; tests pass a recording one (every argv we spawn is recorded). */
  stream?: StreamRunner;
}

/** Every unique blob reachable from `revs` (`--branches`, `--tags`, `HEAD`, a sha...). */
export async function listReachableBlobs(
  repo: string,
  revs: readonly string[],
  options: StreamOptions = {},
): Promise<ReachableBlob[]> {
  if (revs.length === 0) return [];
  return listBlobsOf(repo, [...revs, "--"], null, options);
}

/**
 * The blobs reachable from `include` and from none of `exclude` (object ids, as
 * `git rev-list --objects A B ^C` reads them on its stdin): what changed since tips already judged.
 */
export async function listNewBlobs(
  repo: string,
  include: readonly string[],
  exclude: readonly string[],
  options: StreamOptions = {},
): Promise<ReachableBlob[]> {
  return (await listBlobsSince(repo, include, exclude, options)).blobs;
}

/**
 * `listNewBlobs`, also telling which of `exclude` lie on the boundary of the walk: commits that are
 * parents of listed commits. A judged tip that moved is still shipped when it is one (then it is an
 * ancestor of a tip); one that is not may still be (behind another judged tip) or may be gone, which
 * `allReachableFrom` decides. A missing excluded object (gc'd after a rewrite) is ignored here.
 */
export async function listBlobsSince(
  repo: string,
  include: readonly string[],
  exclude: readonly string[],
  options: StreamOptions = {},
): Promise<{ blobs: ReachableBlob[]; boundary: Set<string> }> {
  // Nothing moved since the tips were judged: no walk, and two processes fewer to start (on a
  // busy machine starting them is most of what a repeat scan costs).
  const excluded = new Set(exclude);
  if (include.every((oid) => excluded.has(oid))) return { blobs: [], boundary: new Set() };
  const lines = [...include, ...exclude.map((oid) => `^${oid}`)];
  const boundary = new Set<string>();
  const blobs = await listBlobsOf(
    repo,
    ["--boundary", "--ignore-missing", "--stdin"],
    `${lines.join("\n")}\n`,
    options,
    boundary,
  );
  return { blobs, boundary };
}

async function listBlobsOf(
  repo: string,
  revArgs: readonly string[],
  stdin: string | null,
  options: StreamOptions,
  boundary?: Set<string>,
): Promise<ReachableBlob[]> {
  // rev-list prints each object once; --filter drops trees and blobs' cousins from its output
  // (commits still appear) and batch-check adds type and size without reading contents.
  const revList = spawnGit(
    repo,
    ["rev-list", "--objects", "--filter=object:type=blob", ...revArgs],
    options,
    stdin !== null,
  );
  if (stdin !== null) revList.stdin?.end(stdin);
  const check = spawnGit(
    repo,
    ["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)"],
    options,
    true,
  );
  revList.stdout.pipe(check.stdin!);
  const blobs: ReachableBlob[] = [];
  const lines = createInterface({ input: check.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const first = line.indexOf(" ");
    const second = line.indexOf(" ", first + 1);
    const third = line.indexOf(" ", second + 1);
    // A boundary commit (`-<oid>`, which batch-check cannot name) ends in " missing".
    if (line.startsWith("-") && line.endsWith(" missing")) boundary?.add(line.slice(1, first));
    if (line.slice(first + 1, second) !== "blob") continue;
    blobs.push({
      oid: line.slice(0, first),
      size: Number(line.slice(second + 1, third === -1 ? undefined : third)),
      path: third === -1 ? "" : line.slice(third + 1),
    });
  }
  await expectSuccess(revList, "rev-list");
  await expectSuccess(check, "cat-file --batch-check");
  return blobs;
}

/**
 * The object each ref among `revs` points at, by ref name: the tips a later scan can start from.
 * Only `--branches`, `--tags`, `--remotes`, `--all` and `HEAD` are named tips; any other rev (a
 * WIP ref, a sha) is returned in `others`.
 */
export async function resolveTips(
  repo: string,
  revs: readonly string[],
  options: StreamOptions = {},
): Promise<{ tips: Map<string, string>; others: string[] }> {
  const patterns: string[] = [];
  const others: string[] = [];
  let head = false;
  for (const rev of revs) {
    if (rev === "--branches") patterns.push("refs/heads");
    else if (rev === "--tags") patterns.push("refs/tags");
    else if (rev === "--remotes") patterns.push("refs/remotes");
    else if (rev === "--all") patterns.push("refs");
    else if (rev === "HEAD") head = true;
    else others.push(rev);
  }
  const tips = new Map<string, string>();
  if (patterns.length === 0 && !head) return { tips, others };
  // One process for the refs and HEAD (a repeat scan is mostly the cost of starting processes):
  // show-ref lists every ref, and HEAD first; the patterns are applied here.
  const listed = await gitTry(repo, ["show-ref", "--head"], options);
  for (const line of listed.stdout.split("\n")) {
    const space = line.indexOf(" ");
    if (space <= 0) continue;
    const name = line.slice(space + 1);
    if (name === "HEAD" ? head : patterns.some((p) => name.startsWith(`${p}/`)))
      tips.set(name, line.slice(0, space));
  }
  // No HEAD listed (an unborn branch): rev-parse says why, as it did before.
  if (head && !tips.has("HEAD"))
    tips.set("HEAD", (await gitText(repo, ["rev-parse", "--verify", "HEAD^{commit}"], options)).trim());
  return { tips, others };
}

/** True when every one of `tips` is reachable from `from` (so what they reach still ships). */
export async function allReachableFrom(
  repo: string,
  tips: readonly string[],
  from: readonly string[],
  options: StreamOptions = {},
): Promise<boolean> {
  if (tips.length === 0) return true;
  const lines = [...tips, ...from.map((oid) => `^${oid}`)];
  const child = spawnGit(repo, ["rev-list", "--max-count=1", "--stdin"], options, true);
  child.stdin?.end(`${lines.join("\n")}\n`);
  let any = false;
  for await (const chunk of child.stdout) if ((chunk as Buffer).length > 0) any = true;
  const exit = await child.exited;
  // A judged tip that no longer exists (gc'd after a rewrite) is not reachable.
  return exit.exitCode === 0 && !any;
}

/** A blob's bytes as they came from git: views of the pipe's chunks, in order, not yet joined. */
export interface BlobPieces {
  oid: string;
  size: number;
  parts: Buffer[];
}

/**
 * Streams the contents of `oids` in the order given. The generator only pulls from git as fast as
 * its consumer takes blobs, so a slow scanner pauses git instead of filling memory.
 */
export async function* readBlobs(
  repo: string,
  oids: readonly string[],
  options: StreamOptions = {},
): AsyncGenerator<{ oid: string; content: Buffer }> {
  for await (const blob of readBlobPieces(repo, oids, options))
    yield { oid: blob.oid, content: joined(blob) };
}

/** git's cache of delta bases while blobs are read (core.deltaBaseCacheLimit). */
const DELTA_BASE_CACHE = "256m";

/**
 * `readBlobs` without joining: each blob as the views of git's output that hold it. A scanner
 * copying blobs into its own batch buffers copies each byte once, and allocates nothing per blob
 * (a joined copy per blob was as many bytes again through the garbage collector).
 */
export async function* readBlobPieces(
  repo: string,
  oids: readonly string[],
  options: StreamOptions = {},
): AsyncGenerator<BlobPieces> {
  if (oids.length === 0) return;
  // Read in path order (scan.ts), a history whose deltas run across paths (generated pages that
  // share a layout) keeps coming back to the same bases: git's default 96 MB cache for them
  // thrashes (node-auth0: 55 s to read in path order against 9 s in git's own; 24 s at 256 MB,
  // 16 s at 512 MB, where git's memory grows to ~780 MB). A limit, not an allocation.
  const child = spawnGit(
    repo,
    ["-c", `core.deltaBaseCacheLimit=${DELTA_BASE_CACHE}`, "cat-file", "--batch"],
    options,
    true,
  );
  child.stdin!.end(`${oids.join("\n")}\n`);
  let finished = false;
  try {
    yield* parseBatchPieces(child.stdout as AsyncIterable<Buffer>);
    finished = true;
  } finally {
    if (!finished) child.kill();
  }
  await expectSuccess(child, "cat-file --batch");
}

/** `listReachableBlobs` then `readBlobs`: every reachable blob with its content. */
export async function* streamReachableBlobs(
  repo: string,
  revs: readonly string[],
  options: StreamOptions & { maxBytes?: number } = {},
): AsyncGenerator<BlobWithContent> {
  const blobs = (await listReachableBlobs(repo, revs, options)).filter(
    (b) => options.maxBytes === undefined || b.size <= options.maxBytes,
  );
  const byOid = new Map(blobs.map((b) => [b.oid, b]));
  for await (const { oid, content } of readBlobs(
    repo,
    blobs.map((b) => b.oid),
    options,
  )) {
    const meta = byOid.get(oid);
    if (meta) yield { ...meta, content };
  }
}

/** Parses `<oid> <type> <size>\n<content>\n` records, each blob's content joined once. */
export async function* parseBatchOutput(
  stream: AsyncIterable<Buffer>,
): AsyncGenerator<{ oid: string; content: Buffer }> {
  for await (const blob of parseBatchPieces(stream)) yield { oid: blob.oid, content: joined(blob) };
}

/**
 * Parses `<oid> <type> <size>\n<content>\n` records into pieces: a blob's bytes may span many
 * chunks, and each piece is a view of one of them (nothing is copied here). A pipe's stream hands
 * out a fresh buffer for every read and never writes into it again, so the views stay valid for as
 * long as the consumer holds them.
 */
export async function* parseBatchPieces(stream: AsyncIterable<Buffer>): AsyncGenerator<BlobPieces> {
  let carry: Buffer | null = null;
  let current: (BlobPieces & { have: number }) | null = null;
  // The newline after a blob's content, still to be passed over (it may open the next chunk).
  let newlineDue = false;
  for await (const chunk of stream) {
    let data: Buffer = chunk;
    if (carry) {
      // Only a header is ever carried: join it to the rest of its line, not to the whole chunk.
      const nl = chunk.indexOf(10);
      const upTo = nl === -1 ? chunk.length : nl + 1;
      carry = Buffer.concat([carry, chunk.subarray(0, upTo)]);
      if (nl === -1) continue;
      data = chunk.subarray(upTo);
      const header = carry;
      carry = null;
      current = openRecord(header, 0, header.length - 1);
    }
    let pos = 0;
    while (pos < data.length) {
      if (current) {
        const take = Math.min(current.size - current.have, data.length - pos);
        if (take > 0) current.parts.push(data.subarray(pos, pos + take));
        current.have += take;
        pos += take;
        if (current.have < current.size) continue;
        const { oid, size, parts } = current;
        current = null;
        newlineDue = true;
        yield { oid, size, parts };
        continue;
      }
      if (newlineDue) {
        newlineDue = false;
        if (data[pos] === 10) {
          pos++;
          continue;
        }
      }
      const nl = data.indexOf(10, pos);
      if (nl === -1) {
        carry = Buffer.from(data.subarray(pos));
        break;
      }
      current = openRecord(data, pos, nl);
      pos = nl + 1;
    }
  }
}

/** The record a header line opens; null for "<oid> missing" (nothing follows; the caller sees the blob never arrived). */
function openRecord(data: Buffer, from: number, newline: number): (BlobPieces & { have: number }) | null {
  const header = data.toString("latin1", from, newline).split(" ");
  if (header.length < 3) return null;
  return { oid: header[0]!, size: Number(header[2]), parts: [], have: 0 };
}

function joined(blob: BlobPieces): Buffer {
  return blob.parts.length === 1 ? blob.parts[0]! : Buffer.concat(blob.parts, blob.size);
}

/**
 * A commit containing each blob, a ref among `revs` that reaches it, and the blob's path there.
 * One pass over `git log --raw` for all blobs at once (each --find-object would walk the whole
 * history again); it stops as soon as every blob is placed. Blobs in `known` (places a walk of the
 * same history already saw, blob-paths.ts) need no walk: only their refs are looked up.
 */
export async function locateBlobs(
  repo: string,
  oids: readonly string[],
  revs: readonly string[],
  options: StreamOptions = {},
  known: ReadonlyMap<string, BlobPlace> = new Map(),
): Promise<Map<string, BlobLocation>> {
  const found = new Map<string, BlobLocation>();
  if (oids.length === 0) return found;
  const wanted = new Set(oids);
  for (const oid of wanted) {
    const place = known.get(oid);
    if (place) found.set(oid, { ...place });
  }
  if (found.size < wanted.size) {
    const log = spawnGit(repo, [...RAW_LOG_ARGS, ...revs, "--"], options);
    // The blob is in a commit when it is the new side (added or modified to it), not when it was
    // deleted there.
    for await (const change of rawChanges(log.stdout)) {
      if (!wanted.has(change.newOid) || found.has(change.newOid)) continue;
      found.set(change.newOid, { commit: change.commit, path: change.path });
      if (found.size === wanted.size) break;
    }
    log.kill();
    await log.exited;
  }

  const refOf = await refsReaching(repo, new Set([...found.values()].map((l) => l.commit)), revs, options);
  for (const loc of found.values()) loc.ref = refOf.get(loc.commit);
  return found;
}

/**
 * A ref for each commit. Most findings sit on the checked-out branch, so one walk of it places
 * them all; the rest are placed by one walk of the other branches, then one of the tags, each
 * naming the ref it reached a commit from (`--source`); what is left is asked about one by one.
 */
async function refsReaching(
  repo: string,
  commits: Set<string>,
  revs: readonly string[],
  options: StreamOptions,
): Promise<Map<string, string | undefined>> {
  const result = new Map<string, string | undefined>();
  const current = (await gitTry(repo, ["symbolic-ref", "-q", "HEAD"], options)).stdout.trim();
  const ships = (pseudo: string) => revs.some((r) => r === pseudo || r === "--all");
  // The commits of the checked-out branch need no second look once it was walked to the end.
  const walked: string[] = [];
  if (current && ships("--branches") && commits.size > 1) {
    walked.push("--not", current);
    const walk = spawnGit(repo, ["rev-list", current, "--"], options);
    const lines = createInterface({ input: walk.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (commits.has(line)) result.set(line, current);
      if (result.size === commits.size) break;
    }
    lines.close();
    walk.kill();
    await walk.exited;
  }
  if (ships("--branches"))
    await placeBySource(repo, commits, result, ["--branches", ...walked], "heads", options);
  if (ships("--tags")) await placeBySource(repo, commits, result, ["--tags"], "tags", options);
  for (const commit of commits) {
    if (!result.has(commit)) result.set(commit, await refReaching(repo, commit, revs, current, options));
  }
  return result;
}

/**
 * One walk of the refs `revArgs` name, placing each commit not yet placed on the ref it was reached
 * from; `--source` prints that ref's short name (or `heads/x` when a tag shares it), so the kind of
 * ref is known from which ones were walked.
 */
async function placeBySource(
  repo: string,
  commits: Set<string>,
  result: Map<string, string | undefined>,
  revArgs: readonly string[],
  kind: "heads" | "tags",
  options: StreamOptions,
): Promise<void> {
  if (result.size === commits.size) return;
  const walk = spawnGit(repo, ["log", "--source", "--format=%H %S", ...revArgs, "--"], options);
  const lines = createInterface({ input: walk.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const commit = line.slice(0, 40);
    if (!commits.has(commit) || result.has(commit)) continue;
    const name = line.slice(41);
    const short = name.startsWith(`${kind}/`) ? name.slice(kind.length + 1) : name;
    result.set(commit, name.startsWith("refs/") ? name : `refs/${kind}/${short}`);
    if (result.size === commits.size) break;
  }
  lines.close();
  walk.kill();
  await walk.exited;
}

/**
 * Prefer the checked-out branch, then any branch, then a tag, then whichever explicit rev (HEAD,
 * the WIP ref or sha) reaches the commit.
 */
async function refReaching(
  repo: string,
  commit: string,
  revs: readonly string[],
  current: string,
  options: StreamOptions,
): Promise<string | undefined> {
  const patterns = new Set<string>();
  for (const rev of revs) {
    if (rev === "--branches") patterns.add("refs/heads");
    else if (rev === "--tags") patterns.add("refs/tags");
    else if (rev === "--remotes") patterns.add("refs/remotes");
    else if (rev === "--all") patterns.add("refs");
  }
  if (patterns.size > 0) {
    const out = await gitTry(
      repo,
      ["for-each-ref", "--contains", commit, "--format=%(refname)", ...patterns],
      options,
    );
    const refs = out.stdout.split("\n").filter(Boolean);
    const pick =
      refs.find((r) => r === current) ??
      refs.find((r) => r.startsWith("refs/heads/")) ??
      refs.find((r) => r.startsWith("refs/tags/")) ??
      refs[0];
    if (pick) return pick;
  }
  for (const rev of revs) {
    if (rev.startsWith("-") || rev.startsWith("^")) continue;
    const r = await gitTry(repo, ["merge-base", "--is-ancestor", commit, rev], options);
    if (r.exitCode === 0) return rev;
  }
  return undefined;
}

function spawnGit(repo: string, args: string[], options: StreamOptions, stdin = false): StreamingProcess {
  const spawn = options.stream ?? defaultStreamRunner;
  return spawn("git", args, { cwd: repo, signal: options.signal, stdin });
}

async function gitTry(
  repo: string,
  args: string[],
  options: StreamOptions,
): Promise<{ exitCode: number; stdout: string; child: StreamingProcess }> {
  const child = spawnGit(repo, args, options);
  const parts: Buffer[] = [];
  for await (const chunk of child.stdout) parts.push(chunk as Buffer);
  const { exitCode } = await child.exited;
  return { exitCode, stdout: Buffer.concat(parts).toString("utf8"), child };
}

async function gitText(repo: string, args: string[], options: StreamOptions): Promise<string> {
  const { stdout, child } = await gitTry(repo, args, options);
  await expectSuccess(child, args[0]!);
  return stdout;
}

async function expectSuccess(child: StreamingProcess, what: string): Promise<void> {
  const result = await child.exited;
  if (result.canceled || result.exitCode !== 0) throw gitFailure(result, what);
}

/** A git process of the secret gate that was cancelled or failed, as the error to throw. */
export function gitFailure(
  result: { canceled?: boolean; exitCode: number; stderrTail: string },
  what: string,
): RemoteError {
  if (result.canceled) return new RemoteError("interrupted", "Secret scan cancelled.", "");
  const message = `git ${what} failed while listing what would ship (exit ${result.exitCode}): ${result.stderrTail.trim()}`;
  return (
    missingObjectsError(message, result.stderrTail) ??
    new RemoteError(
      "package-failed",
      message,
      "Check that the repository is healthy (`git fsck`) and that every rev exists, then retry.",
    )
  );
}
