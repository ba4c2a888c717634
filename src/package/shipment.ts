/**
 * What a run ships, decided in one place: the refs bundled (`--branches --tags HEAD`), the
 * uncommitted work as a snapshot commit (in a scratch repository, never the user's .git), the
 * `.claude/` files, a custom agent given as a local file, and the paths left out. The package stage
 * packs this plan and `scan` judges it, and both hand the secret gate the same revs and files:
 * what `scan` says of a repository is what the gate of a run from it will say.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import type { Git } from "../git/git.js";
import {
  branchAndTagTips,
  createScratchRepo,
  mirrorRefs,
  type RefTip,
  type RepoLayout,
  readRepoLayout,
  type ScratchRepo,
} from "../git/scratch-repo.js";
import { listWorkTreeChanges, type WorkTreeChanges } from "../git/ship-size.js";
import {
  changedPaths,
  commitSnapshot,
  EMPTY_TREE,
  type SnapshotIdentity,
  snapshotIdentity,
  snapshotTree,
  WIP_REF,
  type WipSnapshot,
} from "../git/wip-snapshot.js";
import type { Finding, ScanReport } from "../secrets/types.js";
import { RemoteError } from "../util/errors.js";
import { type ClaudeFileList, listClaudeFiles } from "./claude-files.js";
import { isExcludedFile } from "./exclusions.js";
import { runSecretGate } from "./secret-gate.js";

/** A file that ships as an archive member: its path in the archive and where it is here. */
export interface ShippedFile {
  path: string;
  absPath: string;
}

/** The files that ship beside the bundle; listing them writes nothing. */
export interface ShippedFiles {
  claude: ClaudeFileList;
  /** A custom agent named by a path to a local file (ships as agent/<name>), or null. */
  agentFile: string | null;
  /** Every archive file the gate judges: the .claude files, then the agent file. */
  files: ShippedFile[];
}

export interface ShipmentPlan extends ShippedFiles {
  /** The user's repository root. */
  root: string;
  /** Holds the snapshot commit and mirrors of the user's refs; the bundle is made from it. */
  scratch: ScratchRepo;
  /** Rev args of `git bundle create`, the snapshot's ref last when there is uncommitted work. */
  revs: string[];
  wip: WipSnapshot & { leftOut: string[]; tree: string | null; date: string | null };
  /** What does not ship: excluded and linked .claude paths, excluded untracked files. */
  excludedPaths: string[];
}

/** What the caller has read of the user's repository already (packaging reads it concurrently). */
export interface RepoReadings {
  layout: RepoLayout;
  refs: RefTip[];
  changes: WorkTreeChanges;
}

export interface PlanShipmentInput {
  /** The user's repository (at its root). */
  git: Git;
  /** Null in a repository without a commit (`scan` judges it; a run refuses it earlier). */
  headCommit: string | null;
  /** Where the scratch repository is made; the caller removes it. */
  scratchDir: string;
  /** Listed already (the package stage checks their size before anything is written). */
  listed: ShippedFiles;
  readings?: RepoReadings;
  /** More refs to ship, pinned in the scratch repository and bundled after the others. */
  extraRefs?: RefTip[];
  /**
   * The date to give the snapshot of `tree` (the one an earlier package gave it, so the commit and
   * the bundle come out the same); undefined for now.
   */
  snapshotDate?: (tree: string, identity: SnapshotIdentity | null) => Promise<string | undefined>;
}

/** Reads what planning needs of the user's repository, all at once. */
export async function readRepo(git: Git, headCommit: string | null): Promise<RepoReadings> {
  const [layout, refs, changes] = await Promise.all([
    readRepoLayout(git, headCommit !== null),
    branchAndTagTips(git),
    listWorkTreeChanges(git),
  ]);
  return { layout, refs, changes };
}

/** The archive's files: .claude/ (tracked or not, minus exclusions) and a local agent file. */
export async function listShippedFiles(
  root: string,
  agentExecutable: string | undefined,
  cwd: string,
): Promise<ShippedFiles> {
  const claude = await listClaudeFiles(root);
  const agentFile = agentExecutable ? await agentFileToShip(agentExecutable, cwd) : null;
  const files: ShippedFile[] = claude.files.map((f) => ({ path: f.path, absPath: f.absPath }));
  if (agentFile) files.push({ path: `agent/${basename(agentFile)}`, absPath: agentFile });
  return { claude, agentFile, files };
}

/** Mirrors the user's refs into a scratch repository and snapshots the uncommitted work there. */
export async function planShipment(input: PlanShipmentInput): Promise<ShipmentPlan> {
  const { git, listed, headCommit } = input;
  const root = git.cwd;
  const { layout, refs, changes } = input.readings ?? (await readRepo(git, headCommit));
  const scratch = await createScratchRepo(git, input.scratchDir, {
    objectsDir: layout.objectsDir,
    headRef: layout.headRef,
  });
  // Changed files almost always mean a snapshot commit: who commits it is asked meanwhile.
  const early = changes.untracked.length + changes.modified.length > 0 ? snapshotIdentity(git) : null;
  // An untracked excluded file (.env, a key) is not work in progress: it never leaves the machine.
  const { tree, leftOut } = await snapshotTree(git, {
    headCommit,
    layout,
    changes,
    isExcluded: (p) => isExcludedFile(root, p),
    scratch,
  });
  const headTree = layout.headTree ?? EMPTY_TREE;
  let wip: ShipmentPlan["wip"] = {
    commit: null,
    ref: null,
    changedPaths: [],
    leftOut,
    tree: null,
    date: null,
  };
  let identity: SnapshotIdentity | null = null;
  if (tree !== headTree) {
    identity = await (early ?? snapshotIdentity(git));
    const [made, changed] = await Promise.all([
      (async () =>
        commitSnapshot(git, {
          tree,
          headCommit,
          identity,
          scratch,
          date: await input.snapshotDate?.(tree, identity),
        }))(),
      changedPaths(git, scratch, headTree, tree),
    ]);
    wip = {
      ...made,
      ref: WIP_REF,
      changedPaths: changed,
      leftOut,
      tree,
      fallbackIdentity: identity === null,
    };
  }
  const pinned = [...(input.extraRefs ?? []), ...(wip.commit ? [{ ref: WIP_REF, commit: wip.commit }] : [])];
  await mirrorRefs(scratch, [...refs, ...pinned], headCommit && !layout.headRef ? headCommit : null);
  const revs = ["--branches", "--tags", ...(headCommit ? ["HEAD"] : []), ...pinned.map((r) => r.ref)];
  return {
    ...listed,
    root,
    scratch,
    revs,
    wip,
    excludedPaths: [...listed.claude.excluded, ...listed.claude.skippedLinks, ...leftOut],
  };
}

/** The secret gate over exactly the plan: every blob the bundle would hold, every archive file. */
export async function judgeShipment(
  plan: ShipmentPlan,
  options: { cacheDir?: string; signal?: AbortSignal; onProgress?: (message: string) => void },
): Promise<ScanReport> {
  const report = await runSecretGate({
    repo: plan.scratch.dir,
    allowlistRoot: plan.root,
    rememberAs: plan.root,
    revs: plan.revs,
    files: plan.files,
    ...options,
  });
  // The snapshot commit exists only in the scratch repository: a finding located there is in the
  // working tree, to be fixed in the file (no history to rewrite), so it is shown as one.
  const snapshot = plan.wip.commit;
  if (snapshot) {
    const shown = new Map<string, Finding>();
    for (const { commit, ref, ...f } of report.findings) {
      const finding: Finding = commit === snapshot ? { ...f, source: "file" } : { ...f, commit, ref };
      // An untracked .claude file is in the snapshot and in the archive: one finding, not two.
      const key = finding.source === "file" ? `${f.path}\0${f.fingerprint}` : `${shown.size}`;
      if (!shown.has(key)) shown.set(key, finding);
    }
    report.findings = [...shown.values()];
  }
  return report;
}

/** A custom agent named by a path ships with the run; a bare command name is found on the machine. */
async function agentFileToShip(executable: string, cwd: string): Promise<string | null> {
  if (!executable.includes("/")) return null;
  const path = isAbsolute(executable) ? executable : resolve(cwd, executable);
  try {
    await access(path, constants.R_OK);
    return (await stat(path)).isFile() ? path : null;
  } catch {
    throw new RemoteError(
      "usage",
      `--agent-command names ${executable}, which does not exist or is not readable here.`,
      "Give a path to an executable file (relative to the current directory) or the name of a command on the target's PATH.",
    );
  }
}

/** Where a plan's scratch repository goes inside a caller's temporary directory. */
export const scratchDirIn = (dir: string) => join(dir, "scratch.git");
