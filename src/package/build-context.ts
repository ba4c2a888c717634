/**
 * Builds the context archive: exactly what will ship, scanned before it is packed.
 *
 *   manifest.json   package id, options, shipped heads, sha256 of every part
 *   repo.bundle     --branches --tags HEAD, plus the WIP snapshot when there is uncommitted work
 *   claude-dir/     .claude/ minus excluded paths (tracked or not)
 *   agent/          a custom agent given as a local file, shipped so it runs on any target
 *   agent.argv      the agent's argv, NUL-separated (the prompt travels here, never in a shell)
 *   params.sh       shell-quoted parameters for runner.sh
 *   remote/         the scripts that run on the machine
 */
import { existsSync } from "node:fs";
import { chmod, copyFile, cp, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type BundleHead, createBundle, listBundleHeads, verifyBundle } from "../git/bundle.js";
import type { Git } from "../git/git.js";
import type { RepoFacts } from "../git/repo-facts.js";
import type { RefTip } from "../git/scratch-repo.js";
import { historyDiskUsage, measureShipSize, type WorkTreeChanges } from "../git/ship-size.js";
import type { SnapshotIdentity, WipSnapshot } from "../git/wip-snapshot.js";
import { remoteScriptsDir } from "../remote/protocol.js";
import { isBlocking } from "../secrets/severity.js";
import type { ScanReport } from "../secrets/types.js";
import { envNumber } from "../util/env-number.js";
import { RemoteError } from "../util/errors.js";
import { sha256File } from "../util/hash.js";
import { makeScratchDir } from "../util/scratch-dirs.js";
import { shellQuote } from "../util/shell-quote.js";
import { writeArchive } from "./archive-writer.js";
import {
  type BundleRecord,
  cacheKey,
  keepBundle,
  keepTipFacts,
  placeKeptBundle,
  readBundleRecord,
  readTipFacts,
  repoCacheDir,
  type TipFacts,
} from "./bundle-cache.js";
import { isExcludedFile } from "./exclusions.js";
import { formatFindings } from "./secret-gate.js";
import {
  judgeShipment,
  listShippedFiles,
  planShipment,
  type RepoReadings,
  readRepo,
  type ShipmentPlan,
  scratchDirIn,
} from "./shipment.js";

export interface ContextPackage {
  /** Temporary directory holding the archive and the scratch repository; the caller removes it. */
  dir: string;
  /** The scratch repository the bundle was made from (the user's refs plus the WIP pin). */
  git: Git;
  /** The archive's unpacked contents (kept to build a thin variant for a reused VM). */
  stage: string;
  /** The rev args bundled (and scanned). */
  revs: string[];
  /** runner.sh's parameters (params.sh) but AR_THIN, which depends on the archive written. */
  params: Record<string, string>;
  archivePath: string;
  archiveSha256: string;
  archiveBytes: number;
  manifest: Manifest;
  wip: WipSnapshot;
  scan: ScanReport;
}

export interface Manifest {
  /** 2: the package's id is `packageId` (format 1 called it runId, though a batch shares it). */
  format: 2;
  /**
   * The id of the run the package was built for: in a batch, its first run's. Every run of the
   * batch ships this one archive; a run's own id travels on its start's stdin and is appended to
   * params.sh there (remote/run-files.ts), so nothing on the machine takes a run's id from here.
   */
  packageId: string;
  createdAt: string;
  branch: string | null;
  headCommit: string;
  startCommit: string;
  wipCommit: string | null;
  heads: BundleHead[];
  /** Root commit naming the project in a machine's repository cache. */
  repoKey: string;
  /** True when the bundle holds only what the machine's cache lacked. */
  thin: boolean;
  parts: Record<string, string>;
  claudeFiles: number;
  excludedPaths: string[];
  options: Omit<PackagedOptions, "prompt">;
}

/**
 * What packaging needs of the run's options (core/options.ts validates them; packaging sits below
 * core and takes them as they are). The manifest records every field but the prompt.
 */
export interface PackagedOptions {
  command: string;
  prompt: string;
  maxTurns: number;
  maxSizeMb: number;
  timeoutMinutes: number;
  [field: string]: unknown;
}

/** The agent's argv as the machine runs it, and whether the machine must have amplihack's tooling. */
export interface ShippedAgent {
  argv: string[];
  /** Set the runner to install the agent's tooling when missing (the default agent on a VM). */
  ensureTooling: boolean;
}

export interface BuildContextInput {
  git: Git;
  facts: RepoFacts;
  /** The run the package is built for (a batch's first run); see Manifest.packageId. */
  runId: string;
  options: PackagedOptions;
  agent: ShippedAgent;
  /** Where a relative --agent-command path is resolved (the user's working directory). */
  cwd: string;
  /** The secret gate's verdict cache. */
  cacheDir?: string;
  /** Where bundles made before are kept for reuse (bundle-cache.ts); none kept without it. */
  packageCacheDir?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /**
   * Start the agent from this commit (already in the user's repository, e.g. an earlier run's
   * result under refs/remotes/remote-exec/) on this branch, instead of HEAD and the current branch:
   * the commit ships (and is scanned) with the rest.
   */
  start?: { commit: string; branch: string | null };
  /** More runner.sh parameters (AR_* names) that the core adds for its own steps. */
  extraParams?: Record<string, string>;
}

/** Where a given start commit is named in the scratch repository so the bundle carries it. */
const START_REF = "refs/amplihack-remote/start";

const MB = 1024 * 1024;
/** Archive members stored as they are: a bundle's objects are compressed already. */
const STORED = new Set(["repo.bundle"]);

export async function buildContext(input: BuildContextInput): Promise<ContextPackage> {
  const { git, facts, options, agent } = input;
  const progress = input.onProgress ?? (() => {});
  // Everything this run writes to git goes to a scratch repository inside `dir`, never to the
  // user's .git: removing `dir` undoes it all, whatever the outcome.
  const dir = await makeScratchDir("pkg");
  try {
    // Independent reads at once: on a warm package, starting processes is most of the time.
    const [listed, readings, config] = await Promise.all([
      listShippedFiles(facts.root, agent.argv[0], input.cwd),
      readRepo(git, facts.headCommit),
      gitIdentityConfig(git),
    ]);
    if (listed.claude.skippedLinks.includes(".claude"))
      progress(".claude is a symbolic link that leads out of the repository: none of its files ship");
    const cache = input.packageCacheDir
      ? repoCacheDir(input.packageCacheDir, readings.layout.objectsDir)
      : null;
    const tips = await tipFacts(git, cache, readings, facts.headCommit);
    await checkEstimatedSize(git, listed.claude.files, options.maxSizeMb, {
      historyBytes: tips.historyBytes,
      changes: readings.changes,
    });
    const extraRefs = input.start ? [{ ref: START_REF, commit: input.start.commit }] : [];
    // The bundle's key is known once the snapshot's tree is: its record gives the snapshot the
    // date it had, so the commit, and with it the bundle, come out the same.
    let kept: KeptLookup | null = null;
    const plan = await planShipment({
      git,
      headCommit: facts.headCommit,
      scratchDir: scratchDirIn(dir),
      listed,
      readings,
      extraRefs,
      snapshotDate: async (tree, identity) => {
        kept = await lookUpBundle(cache, readings, facts.headCommit, extraRefs, { tree, identity });
        return kept?.record?.snapshot?.date;
      },
    });
    if (!plan.wip.commit) kept = await lookUpBundle(cache, readings, facts.headCommit, extraRefs, null);
    const scan = await passSecretGate(plan, input, progress);
    const stage = join(dir, "stage");
    await mkdir(stage);
    const bundle = await bundleFor(plan, join(stage, "repo.bundle"), cache, kept, progress);
    await stageFiles(stage, plan, agent.argv, bundle.heads);
    const params = runParams(input, plan, bundle.heads, tips.repoKey, config);
    const manifest = baseManifest(input, plan, bundle.heads, tips.repoKey);
    progress("writing the archive");
    const archive = await packArchive(
      { dir, stage, params, manifest },
      { thin: false, known: { "repo.bundle": bundle.sha256 } },
    );
    if (archive.archiveBytes > options.maxSizeMb * MB) {
      throw new RemoteError(
        "too-large",
        `The context archive is ${(archive.archiveBytes / MB).toFixed(1)} MB, over the ${options.maxSizeMb} MB limit.`,
        "Raise the limit with --max-size, or trim large files from history and .claude/.",
      );
    }
    return { dir, git: plan.scratch.git, stage, revs: plan.revs, params, wip: plan.wip, scan, ...archive };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** What depends on the ref tips alone: the history's size and the root commit, kept by the tips. */
async function tipFacts(
  git: Git,
  cache: string | null,
  readings: RepoReadings,
  headCommit: string,
): Promise<TipFacts> {
  const key = cacheKey({ refs: readings.refs, head: headCommit });
  const known = cache ? await readTipFacts(cache, key) : null;
  if (known) return known;
  const [historyBytes, key0] = await Promise.all([historyDiskUsage(git), repoKey(git)]);
  const made = { historyBytes, repoKey: key0 };
  if (cache) await keepTipFacts(cache, key, made);
  return made;
}

/** The kept bundle of exactly these refs, HEAD, extra refs and snapshot, if there is one. */
/** A bundle looked up in the cache: its key, its record if kept, and whose history it is. */
interface KeptLookup {
  key: string;
  record: BundleRecord | null;
  objectsDir: string;
}

async function lookUpBundle(
  cache: string | null,
  readings: RepoReadings,
  headCommit: string,
  extraRefs: RefTip[],
  snapshot: { tree: string; identity: SnapshotIdentity | null } | null,
): Promise<KeptLookup | null> {
  if (!cache) return null;
  const key = cacheKey({
    format: 1,
    refs: readings.refs,
    head: { ref: readings.layout.headRef, commit: headCommit },
    extraRefs,
    snapshot: snapshot && { ...snapshot, parent: headCommit },
  });
  return { key, record: await readBundleRecord(cache, key), objectsDir: readings.layout.objectsDir };
}

/** Scans the plan and refuses to go on when a blocking finding is in it. */
async function passSecretGate(
  plan: ShipmentPlan,
  input: BuildContextInput,
  progress: (message: string) => void,
): Promise<ScanReport> {
  progress(
    `scanning history (${plan.revs.join(" ")}) and ${plan.claude.files.length} .claude file(s)${plan.agentFile ? " and the agent" : ""}`,
  );
  const scan = await judgeShipment(plan, {
    cacheDir: input.cacheDir,
    signal: input.signal,
    onProgress: progress,
  });
  const blocking = scan.findings.filter(isBlocking);
  if (blocking.length > 0) {
    throw new RemoteError(
      "secret-found",
      `Blocked: ${blocking.length} possible secret(s) in what would be uploaded. Nothing was uploaded.\n${formatFindings(scan)}`,
      "Remove and rotate each credential (rewrite history for findings in old commits), or, after review, accept them with `amplihack-remote scan --accept` (records their fingerprints in .amplihack-remote-allow).",
      { details: { findings: scan.findings } },
    );
  }
  return scan;
}

/**
 * The bundle of everything the plan ships, verified: the kept one when its record matches the plan
 * (same snapshot commit), else made now and kept. Returns the heads it holds and its sha256.
 */
async function bundleFor(
  plan: ShipmentPlan,
  bundlePath: string,
  cache: string | null,
  kept: KeptLookup | null,
  progress: (message: string) => void,
): Promise<{ heads: BundleHead[]; sha256: string }> {
  const record = kept?.record;
  if (
    cache &&
    kept &&
    record &&
    (record.snapshot?.commit ?? null) === plan.wip.commit &&
    (await placeKeptBundle(cache, kept.key, record, bundlePath))
  ) {
    progress("reusing the git bundle made before of the same refs and uncommitted work");
    return { heads: record.heads, sha256: record.sha256 };
  }
  progress("creating the git bundle");
  const git = plan.scratch.git;
  await createBundle(git, bundlePath, plan.revs);
  const [verified, heads, sha256, size] = await Promise.all([
    verifyBundle(git, bundlePath),
    listBundleHeads(git, bundlePath),
    sha256File(bundlePath),
    stat(bundlePath),
  ]);
  if (!verified.ok) {
    throw new RemoteError(
      "package-failed",
      `git bundle verify failed: ${verified.message}`,
      "Run `git fsck` and retry.",
    );
  }
  if (cache && kept) {
    const { commit, date } = plan.wip;
    await keepBundle(cache, kept.key, bundlePath, {
      heads,
      sha256,
      bytes: size.size,
      snapshot: commit && date ? { commit, date, changedPaths: plan.wip.changedPaths } : null,
      objectsDir: kept.objectsDir,
    });
  }
  return { heads, sha256 };
}

/** Everything in the stage but the bundle, params.sh and the manifest: files, agent, scripts. */
async function stageFiles(stage: string, plan: ShipmentPlan, agentArgv: string[], heads: BundleHead[]) {
  for (const file of plan.claude.files) {
    const dest = join(stage, "claude-dir", file.path.slice(".claude/".length));
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(file.absPath, dest);
  }
  const argv = [...agentArgv];
  if (plan.agentFile) {
    await mkdir(join(stage, "agent"));
    const dest = join(stage, "agent", basename(plan.agentFile));
    await copyFile(plan.agentFile, dest);
    await chmod(dest, 0o755);
    argv[0] = `agent/${basename(plan.agentFile)}`;
  }
  await writeFile(join(stage, "agent.argv"), argv.map((a) => `${a}\0`).join(""));
  await writeFile(join(stage, "heads.txt"), heads.map((h) => `${h.commit} ${h.ref}\n`).join(""));
  await cp(remoteScriptsDir(), join(stage, "remote"), {
    recursive: true,
    filter: (src) => !src.endsWith(".ts"),
  });
}

/** runner.sh's parameters but AR_THIN, which packArchive sets for the archive it writes. */
function runParams(
  input: BuildContextInput,
  plan: ShipmentPlan,
  heads: BundleHead[],
  key: string,
  config: { name: string; email: string },
): Record<string, string> {
  const { facts, runId, options, agent } = input;
  return {
    // The package's run; each other run of a batch appends its own id (remote/run-files.ts), and
    // the last assignment in params.sh is the one the machine uses.
    AR_RUN_ID: runId,
    AR_SESSION: `ar-${runId}`,
    AR_BRANCH: (input.start ? input.start.branch : facts.branch) ?? "",
    AR_REPO_KEY: key,
    AR_START_COMMIT: input.start?.commit ?? plan.wip.commit ?? facts.headCommit,
    // The snapshot commit lives only in the scratch repository, not in the user's: the results
    // bundle must carry it back, so it is not among the commits it may leave out.
    AR_SHIPPED_COMMITS: [...new Set(heads.map((h) => h.commit))]
      .filter((c) => c !== plan.wip.commit)
      .join(" "),
    AR_GIT_NAME: config.name,
    AR_GIT_EMAIL: config.email,
    AR_COMMAND: options.command,
    AR_MAX_TURNS: String(options.maxTurns),
    AR_TIMEOUT_SECONDS: String(timeoutSeconds(options, input.env)),
    AR_ENSURE_AMPLIHACK: agent.ensureTooling ? "1" : "0",
    ...input.extraParams,
  };
}

/** The manifest but `thin` and `parts`, which depend on the archive written. */
function baseManifest(
  input: BuildContextInput,
  plan: ShipmentPlan,
  heads: BundleHead[],
  key: string,
): Omit<Manifest, "thin" | "parts"> {
  const { prompt: _prompt, ...shippedOptions } = input.options;
  return {
    format: 2,
    packageId: input.runId,
    createdAt: new Date().toISOString(),
    branch: input.facts.branch,
    headCommit: input.facts.headCommit,
    startCommit: input.start?.commit ?? plan.wip.commit ?? input.facts.headCommit,
    wipCommit: plan.wip.commit,
    heads,
    repoKey: key,
    claudeFiles: plan.claude.files.length,
    excludedPaths: plan.excludedPaths,
    options: shippedOptions,
  };
}

interface PackedArchive {
  archivePath: string;
  archiveSha256: string;
  archiveBytes: number;
  manifest: Manifest;
}

/**
 * Writes params.sh and the manifest for this archive (thin or full), then packs the stage:
 * everything in it ships. The bundle in the stage is the one this archive carries, if any.
 * `known` holds sha256s the caller has already (the bundle's), so its bytes are not read again.
 */
async function packArchive(
  pkg: Pick<ContextPackage, "dir" | "stage" | "params"> & { manifest: Omit<Manifest, "thin" | "parts"> },
  shape: { thin: boolean; known?: Record<string, string> },
): Promise<PackedArchive> {
  const { stage } = pkg;
  await writeFile(join(stage, "params.sh"), paramsScript({ ...pkg.params, AR_THIN: shape.thin ? "1" : "0" }));
  const parts: Record<string, string> = {};
  for (const part of ["repo.bundle", "agent.argv", "params.sh"]) {
    if (existsSync(join(stage, part)))
      parts[part] = shape.known?.[part] ?? (await sha256File(join(stage, part)));
  }
  const manifest: Manifest = { ...pkg.manifest, thin: shape.thin, parts };
  await writeFile(join(stage, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const archivePath = join(pkg.dir, shape.thin ? "context-thin.tar.gz" : "context.tar.gz");
  const members = (await readdir(stage)).sort();
  const written = await writeArchive(
    stage,
    { deflated: members.filter((m) => !STORED.has(m)), stored: members.filter((m) => STORED.has(m)) },
    archivePath,
  );
  return { archivePath, archiveSha256: written.sha256, archiveBytes: written.bytes, manifest };
}

/**
 * A variant of the archive for a machine that already holds `known` commits (a reused VM's
 * repository cache): the bundle carries only what the machine lacks, or is left out when it
 * lacks nothing. heads.txt still lists every shipped ref, so the machine restores them all.
 */
export async function thinArchive(
  pkg: Pick<ContextPackage, "dir" | "git" | "stage" | "revs" | "manifest" | "params">,
  known: string[],
): Promise<{ archivePath: string; archiveSha256: string; archiveBytes: number; bundleBytes: number }> {
  const bundle = join(pkg.stage, "repo.bundle");
  await rm(bundle, { force: true });
  // The exclusions go on stdin: a VM may know hundreds of commits, too many for one argv.
  const created = await pkg.git.try(["bundle", "create", "--quiet", bundle, ...pkg.revs, "--stdin"], {
    input: known.map((c) => `^${c}\n`).join(""),
  });
  if (created.exitCode !== 0 && !/empty bundle/i.test(created.stderr)) {
    throw new RemoteError(
      "package-failed",
      `git bundle create (thin) failed: ${created.stderr.trim()}`,
      "Retry with --no-reuse.",
    );
  }
  // An empty thin bundle (the machine lacks nothing) is left out of the archive altogether.
  if (created.exitCode !== 0) await rm(bundle, { force: true });
  const { manifest: _m, ...archive } = await packArchive(pkg, { thin: true });
  return { ...archive, bundleBytes: created.exitCode === 0 ? (await stat(bundle)).size : 0 };
}

/** Names the project on a machine's repository cache: its root commit, the same in every clone. */
async function repoKey(git: Git): Promise<string> {
  const roots = (await git.run(["rev-list", "--max-parents=0", "HEAD"])).split("\n").filter(Boolean).sort();
  return roots[0] ?? "";
}

/**
 * The VM-side timeout. AMPLIHACK_REMOTE_TIMEOUT_SECONDS overrides the --timeout minutes, for
 * trying out the pipeline with a short-lived agent (documented in the README).
 */
export function timeoutSeconds(
  options: { timeoutMinutes: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  return envNumber(env, "AMPLIHACK_REMOTE_TIMEOUT_SECONDS", { integer: true }) ?? options.timeoutMinutes * 60;
}

function paramsScript(values: Record<string, string>): string {
  const lines = Object.entries(values).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return `# generated by amplihack-remote\n${lines.join("\n")}\n`;
}

/** user.name and user.email from git's configuration (one call), or ours when unset. */
async function gitIdentityConfig(git: Git): Promise<{ name: string; email: string }> {
  const r = await git.try(["config", "--get-regexp", "^user\\.(name|email)$"]);
  const value = (key: string) => {
    // The last value set wins, as with `git config --get`.
    const line = r.stdout
      .split("\n")
      .filter((l) => l.toLowerCase().startsWith(`${key} `))
      .pop();
    return line?.slice(key.length + 1).trim() || undefined;
  };
  return {
    name: value("user.name") ?? "amplihack-remote",
    email: value("user.email") ?? "amplihack-remote@localhost",
  };
}

/**
 * Refuses early, before anything is written or hashed, when what ships is already over the limit:
 * the on-disk size of the objects reachable from the shipped refs, the working-tree files the
 * snapshot would add, and the .claude files.
 */
async function checkEstimatedSize(
  git: Git,
  files: { size: number }[],
  maxSizeMb: number,
  known: { historyBytes: number; changes: WorkTreeChanges },
): Promise<void> {
  const size = await measureShipSize(git, (p) => isExcludedFile(git.cwd, p), known);
  const claudeBytes = files.reduce((sum, f) => sum + f.size, 0);
  const estimate = size.historyBytes + size.worktreeBytes + claudeBytes;
  if (estimate > maxSizeMb * MB) {
    const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
    const largest = size.largest.filter((f) => f.bytes >= MB).map((f) => `${f.path} (${mb(f.bytes)})`);
    throw new RemoteError(
      "too-large",
      `What would ship is about ${mb(estimate)} (git objects ${mb(size.historyBytes)} + uncommitted files ${mb(size.worktreeBytes)} + .claude ${mb(claudeBytes)}), over the ${maxSizeMb} MB limit.${largest.length ? ` Largest uncommitted files: ${largest.join(", ")}.` : ""}`,
      "Raise the limit with --max-size, add large generated files to .gitignore, or trim large files from history and .claude/.",
    );
  }
}
