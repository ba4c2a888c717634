/**
 * Brings a results bundle home. The VM is untrusted: its bundle is first fetched into a scratch
 * repository (objects there, never in the user's .git), every ref name is checked, and the commits
 * of each ref are vetted (the secret gate, injected by core) before anything reaches the user's
 * refs. What passes lands in refs/remotes/remote-exec/<run-id>/<branch> (kept per run, so repeated
 * and parallel runs never clobber one another), with the moving alias
 * refs/remotes/remote-exec/<branch> (so `git merge remote-exec/main` works), and tags the agent made
 * under refs/remotes/remote-exec/<run-id>/tags/<tag> (never refs/tags: they cannot collide with the
 * user's). Only refs under refs/remotes/remote-exec/ are written: never the working tree, the index
 * or a local branch. Every text taken from the VM is sanitised here, where it enters.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { RemoteError } from "../util/errors.js";
import { mapLimit } from "../util/map-limit.js";
import { makeScratchDir } from "../util/scratch-dirs.js";
import { sanitizeLine } from "../util/terminal-text.js";
import { readBlobs } from "./blobs.js";
import type { BundleHead } from "./bundle.js";
import { listBundleHeads } from "./bundle.js";
import type { Git } from "./git.js";
import { isPlainRefName, showRefName } from "./ref-names.js";
import { createScratchRepo } from "./scratch-repo.js";

export const RESULTS_NAMESPACE = "refs/remotes/remote-exec/";
/** The trailer runner.sh puts on the commit that records what the agent left uncommitted. */
export const UNCOMMITTED_TRAILER = "Amplihack-Remote-Uncommitted-Work";

export interface BranchResult {
  branch: string;
  /** new: no such branch was shipped; updated: the run added commits; unchanged: nothing new. */
  status: "new" | "updated" | "unchanged";
  commit: string;
  /** refs/remotes/remote-exec/<run-id>/<branch> */
  runRef: string;
  /** refs/remotes/remote-exec/<branch>, or null when that alias could not be written. */
  aliasRef: string | null;
  /** Subjects sanitised; `uncommitted` marks the commit that holds work the agent left uncommitted. */
  newCommits: { sha: string; subject: string; uncommitted?: boolean }[];
  filesChanged: string[];
  /** Against the user's local branch of the same name, when there is one. */
  local: { exists: boolean; ahead: number; behind: number; fastForward: boolean } | null;
  /** The branch was shipped and the run's tip does not descend from it (history rewritten). */
  rewritten?: boolean;
  note?: string;
}

export interface TagResult {
  tag: string;
  /** refs/remotes/remote-exec/<run-id>/tags/<tag> */
  ref: string;
  object: string;
}

export interface Integrated {
  branches: BranchResult[];
  tags: TagResult[];
  /** What did not come home, or came home changed, said plainly (refused refs, deletions...). */
  warnings: string[];
}

/**
 * Vets the commits a ref brings (`revs` for rev-list in `repo`, the scratch repository); returns
 * why they must not be imported, or null. Core injects the secret gate here.
 */
export type VetIncoming = (repo: string, revs: string[]) => Promise<string | null>;

export interface IntegrateInput {
  git: Git;
  bundleFile: string | null;
  runId: string;
  /** The heads that were shipped: ref name → object. */
  shipped: BundleHead[];
  /** The branches and tags the machine had at the end (refs.txt), when it said. */
  finalRefs?: BundleHead[] | null;
  vet?: VetIncoming;
  /**
   * Runs once the accepted refs are in the user's repository (or once nothing will be), beside
   * what is still to be worked out about them: the caller's tidying does not lengthen the import.
   */
  afterImport?: () => Promise<void>;
}

const INCOMING = "refs/amplihack-incoming/";
/** Refs vetted or described at once: each is a few short git processes, mostly start-up cost. */
const CONCURRENCY = 4;

export async function integrateResults(input: IntegrateInput): Promise<Integrated> {
  let ran: Promise<void> | undefined;
  const afterImport = () => {
    ran ??= input.afterImport?.() ?? Promise.resolve();
    return ran;
  };
  const integrated = await integrate(input, afterImport);
  await afterImport();
  return integrated;
}

async function integrate(input: IntegrateInput, afterImport: () => Promise<void>): Promise<Integrated> {
  const { git, bundleFile, runId, shipped } = input;
  const warnings = reportDeletions(shipped, input.finalRefs ?? null);
  if (!bundleFile) return { branches: [], tags: [], warnings };
  const work = await makeScratchDir("incoming");
  try {
    // The bundle's heads are read while the scratch repository is made (both only read the
    // user's repository). `git bundle verify` is not run apart: the fetch into the scratch
    // repository checks the same prerequisites and fails the same way (one process fewer).
    const [scratch, heads] = await Promise.all([
      createScratchRepo(git, join(work, "scratch.git")),
      listBundleHeads(git, bundleFile).catch((err) => {
        throw doesNotApply((err as Error).message);
      }),
    ]);
    const shippedByRef = new Map(shipped.map((h) => [h.ref, h.commit]));
    const shippedObjects = new Set(shipped.map((h) => h.commit));
    const candidates: { kind: "heads" | "tags"; name: string; head: BundleHead }[] = [];
    for (const head of heads) {
      const kind = head.ref.startsWith("refs/heads/")
        ? "heads"
        : head.ref.startsWith("refs/tags/")
          ? "tags"
          : null;
      if (!kind) {
        warnings.push(`Ignored ${showRefName(head.ref)} from the machine: only branches and tags come home.`);
        continue;
      }
      const name = head.ref.slice(`refs/${kind}/`.length);
      if (!isPlainRefName(name)) {
        warnings.push(
          `Refused the ${kind === "heads" ? "branch" : "tag"} ${showRefName(name)} from the machine: only plain names (letters, digits, ". _ - /", not starting with "-") come home. Its commits stay on the machine.`,
        );
        continue;
      }
      // Came back as it went, or points at something shipped (the snapshot of uncommitted work,
      // when the agent left everything as it found it): nothing new to bring home.
      if (shippedObjects.has(head.commit)) continue;
      candidates.push({ kind, name, head });
    }
    if (candidates.length === 0) return { branches: [], tags: [], warnings };
    const fetched = await scratch.git.try([
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-write-fetch-head",
      bundleFile,
      ...candidates.map((c) => `+${c.head.ref}:${INCOMING}${c.kind}/${c.name}`),
    ]);
    if (fetched.exitCode !== 0) throw doesNotApply(fetched.stderr || fetched.stdout);
    // Commits the user has (the shipped heads, but the snapshot of uncommitted work, which lives
    // only in the results) are what the run started from.
    const base = await existingObjects(scratch.git, [...new Set(shipped.map((h) => h.commit))]);
    const accepted: typeof candidates = [];
    // Each ref is vetted on its own (a refusal names it), several at once: they only read.
    const vet = input.vet;
    const verdicts = vet
      ? await mapLimit(candidates, CONCURRENCY, (c) =>
          vet(scratch.dir, [`${INCOMING}${c.kind}/${c.name}`, "--not", ...base]),
        )
      : [];
    for (const [i, c] of candidates.entries()) {
      const refused = verdicts[i];
      if (refused) {
        warnings.push(
          `REFUSED ${c.kind === "heads" ? "branch" : "tag"} ${c.name}: ${refused} Nothing of it was imported into your repository; its commits stay on the machine.`,
        );
      } else accepted.push(c);
    }
    if (accepted.length === 0) return { branches: [], tags: [], warnings };
    const target = (c: (typeof candidates)[number]) =>
      c.kind === "heads"
        ? `${RESULTS_NAMESPACE}${runId}/${c.name}`
        : `${RESULTS_NAMESPACE}${runId}/tags/${c.name}`;
    await git.run(
      [
        "fetch",
        "--quiet",
        "--no-tags",
        "--no-write-fetch-head",
        scratch.dir,
        ...accepted.map((c) => `+${INCOMING}${c.kind}/${c.name}:${target(c)}`),
      ],
      {
        errorCode: "integrate-failed",
        remedy: "Run `amplihack-remote retrieve` again; nothing was changed locally.",
      },
    );
    const tags: TagResult[] = accepted
      .filter((c) => c.kind === "tags")
      .map((c) => ({ tag: c.name, ref: target(c), object: c.head.commit }));
    const [branches] = await Promise.all([
      mapLimit(
        accepted.filter((c) => c.kind === "heads"),
        CONCURRENCY,
        (c) => describeBranch(git, runId, c.name, c.head.commit, shippedByRef, base),
      ),
      afterImport(),
    ]);
    for (const b of branches.filter((b) => b.rewritten)) {
      warnings.push(
        `The agent rewrote the history of ${b.branch}: ${b.runRef.replace("refs/remotes/", "")} does not contain the ${b.branch} that was shipped. Review it before merging.`,
      );
    }
    return { branches, tags, warnings };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The bundle from the machine cannot be read here (damaged, or its prerequisites are missing). */
function doesNotApply(gitSaid: string): RemoteError {
  return new RemoteError(
    "integrate-failed",
    `The results bundle does not apply to this repository: ${sanitizeLine(gitSaid.trim())}`,
    "The run's commits are still on the target; fetch them by hand or re-run retrieve after `git fetch`.",
  );
}

async function describeBranch(
  git: Git,
  runId: string,
  branch: string,
  tip: string,
  shippedByRef: Map<string, string>,
  base: string[],
): Promise<BranchResult> {
  const runRef = `${RESULTS_NAMESPACE}${runId}/${branch}`;
  let aliasRef: string | null = `${RESULTS_NAMESPACE}${branch}`;
  let note: string | undefined;
  const before = shippedByRef.get(`refs/heads/${branch}`);
  // Independent questions (each a short git process): asked at once rather than one by one.
  const [alias, newCommits, ancestry, filesChanged, local] = await Promise.all([
    git.try(["update-ref", aliasRef, tip]),
    listNewCommits(git, tip, base),
    before === undefined ? null : git.try(["merge-base", "--is-ancestor", before, tip]),
    filesTouched(git, tip, base),
    compareWithLocal(git, branch, tip),
  ]);
  if (alias.exitCode !== 0) {
    note = `alias ${aliasRef} not written: ${sanitizeLine(alias.stderr.trim())}`;
    aliasRef = null;
  }
  const status = before === undefined ? "new" : newCommits.length === 0 ? "unchanged" : "updated";
  const rewritten = ancestry?.exitCode === 1;
  return {
    branch,
    status,
    commit: tip,
    runRef,
    aliasRef,
    newCommits,
    filesChanged,
    local,
    ...(rewritten ? { rewritten } : {}),
    note,
  };
}

/** Shipped branches and tags the machine no longer has: the agent deleted them. */
function reportDeletions(shipped: BundleHead[], finalRefs: BundleHead[] | null): string[] {
  if (!finalRefs) return [];
  const remaining = new Set(finalRefs.map((r) => r.ref));
  return shipped
    .filter(
      (h) => (h.ref.startsWith("refs/heads/") || h.ref.startsWith("refs/tags/")) && !remaining.has(h.ref),
    )
    .map((h) => {
      const [kind, name] = h.ref.startsWith("refs/heads/")
        ? ["branch", h.ref.slice("refs/heads/".length)]
        : ["tag", h.ref.slice("refs/tags/".length)];
      return `The agent deleted the ${kind} ${showRefName(name)} on the machine; your copy is untouched.`;
    });
}

/** The subset of `oids` present in the repository (its alternates included). */
async function existingObjects(git: Git, oids: string[]): Promise<string[]> {
  if (oids.length === 0) return [];
  const out = await git.run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
    input: `${oids.join("\n")}\n`,
  });
  return out
    .split("\n")
    .filter((line) => line && !line.endsWith(" missing"))
    .map((line) => line.split(" ")[0]);
}

/**
 * The run's own commits, newest first. Messages are read as raw commit objects (sizes framed by
 * git, so no byte a hostile message holds can shift a field) and sanitised.
 */
async function listNewCommits(git: Git, tip: string, exclude: string[]) {
  const shas = (await git.run(["rev-list", tip, "--not", ...exclude, "--"])).split("\n").filter(Boolean);
  const commits: BranchResult["newCommits"] = [];
  for await (const { oid, content } of readBlobs(git.cwd, shas)) {
    const text = content.toString("utf8");
    const message = text.slice(text.indexOf("\n\n") + 2);
    const subject = message.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, " ");
    const uncommitted = new RegExp(`^${UNCOMMITTED_TRAILER}:`, "m").test(message);
    commits.push({
      sha: oid,
      subject: sanitizeLine(subject).trim(),
      ...(uncommitted ? { uncommitted } : {}),
    });
  }
  return commits;
}

/** Files touched by the run's own commits (not by history it started from), sanitised. */
async function filesTouched(git: Git, tip: string, exclude: string[]): Promise<string[]> {
  const out = await git.run(["log", "--format=", "--name-only", "-z", tip, "--not", ...exclude, "--"]);
  return [
    ...new Set(
      out
        .split("\0")
        .map((p) => sanitizeLine(p.replace(/^\n+/, "")))
        .filter(Boolean),
    ),
  ].sort();
}

async function compareWithLocal(git: Git, branch: string, tip: string) {
  // One process when the branch is there (the usual case); only when that fails is it asked apart
  // whether the branch exists (plain names hold no "..", so the range reads one way).
  const range = ["rev-list", "--left-right", "--count", `refs/heads/${branch}...${tip}`, "--"];
  let counts = await git.try(range);
  if (counts.exitCode !== 0) {
    const local = await git.try(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]);
    if (local.exitCode !== 0) return { exists: false, ahead: 0, behind: 0, fastForward: false };
    counts = { ...counts, stdout: await git.run(range) };
  }
  const [behind, ahead] = counts.stdout.trim().split(/\s+/).map(Number);
  // "ahead": commits the result has that the local branch lacks; "behind": the reverse.
  return { exists: true, ahead, behind, fastForward: behind === 0 };
}
