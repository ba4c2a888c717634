/**
 * "What would ship, and does a secret block it?" without building an archive or touching a
 * machine: the same selection the package stage makes (every branch, tag and HEAD, the uncommitted
 * work as a snapshot commit, .claude/ minus excluded paths, a custom agent given as a local file),
 * put through the same secret gate. Returns the report; printing is the caller's business.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { createGit } from "../git/git.js";
import { readRepoFacts } from "../git/repo-facts.js";
import { dropWipRef, snapshotWip } from "../git/wip-snapshot.js";
import { listClaudeFiles } from "../package/claude-files.js";
import { isExcludedPath } from "../package/exclusions.js";
import { formatFindings, runSecretGate } from "../package/secret-gate.js";
import type { ScanReport } from "../secrets/types.js";
import type { Runner } from "../util/run.js";
import { RemoteError } from "./errors.js";
import { newRunId } from "./run-id.js";

export interface WhatShips {
  repo: string;
  branch: string | null;
  headCommit: string;
  /** Rev arguments of the bundle: --branches --tags HEAD, plus the snapshot of uncommitted work. */
  revs: string[];
  /** The uncommitted work that would ship as a snapshot commit, when there is any. */
  uncommittedPaths: string[];
  /** .claude/ files that would ship, and paths left out of .claude/ and of the snapshot. */
  claudeFiles: string[];
  excludedPaths: string[];
  /** A custom agent given as a path ships too (as agent/<name>). */
  agentFile: string | null;
}

export interface ShipScan {
  whatShips: WhatShips;
  report: ScanReport;
  /** True when any finding would stop the upload. */
  blocked: boolean;
  /** The findings and what to do, as the package stage words them when it blocks. */
  findingsText: string;
}

export interface ScanWhatShipsInput {
  /** Any directory inside the repository. */
  cwd: string;
  runner?: Runner;
  agentCommand?: string[];
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export async function scanWhatShips(input: ScanWhatShipsInput): Promise<ShipScan> {
  const facts = await readRepoFacts(input.cwd, input.runner);
  const git = createGit(facts.root, input.runner);
  const claude = (await exists(join(facts.root, ".claude")))
    ? await listClaudeFiles(facts.root)
    : { files: [], excluded: [], skippedLinks: [] };
  const agentFile = input.agentCommand ? await localAgentFile(input.agentCommand[0], input.cwd) : null;

  // The snapshot commit is pinned by a ref of our own for the scan's duration, then dropped.
  const scanId = `scan-${newRunId()}`;
  const wip = await snapshotWip(git, facts.headCommit, scanId, isExcludedPath);
  try {
    const revs = ["--branches", "--tags", "HEAD", ...(wip.ref ? [wip.ref] : [])];
    const files = claude.files.map((f) => ({ path: f.path, absPath: f.absPath }));
    if (agentFile) files.push({ path: `agent/${basename(agentFile)}`, absPath: agentFile });
    input.onProgress?.(`scanning history (${revs.join(" ")}) and ${files.length} file(s) that would ship`);
    const report = await runSecretGate({
      repo: facts.root,
      revs,
      files,
      cacheDir: input.cacheDir,
      signal: input.signal,
      onProgress: input.onProgress,
    });
    return {
      whatShips: {
        repo: facts.root,
        branch: facts.branch,
        headCommit: facts.headCommit,
        revs: revs.map((r) => (r === wip.ref ? "(snapshot of uncommitted work)" : r)),
        uncommittedPaths: wip.changedPaths,
        claudeFiles: claude.files.map((f) => f.path),
        excludedPaths: [...claude.excluded, ...wip.leftOut],
        agentFile,
      },
      report,
      blocked: report.findings.length > 0,
      findingsText: formatFindings(report),
    };
  } finally {
    await dropWipRef(git, scanId);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A custom agent named by a path ships with the run; a bare command name is found on the machine. */
async function localAgentFile(executable: string, cwd: string): Promise<string | null> {
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
