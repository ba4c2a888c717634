/**
 * "What would ship, and does a secret block it?" without building anything or touching a machine:
 * every blob of `--branches --tags HEAD`, the uncommitted work (modified, staged and untracked
 * files that are not ignored, read from the working tree) and the `.claude/` files, plus a custom
 * agent given as a local file, through the same secret gate the package stage uses. Read-only: no
 * snapshot commit, no ref. Returns the report; printing is the caller's business (the `scan`
 * command and the scan_secrets tool).
 */
import { constants, existsSync, statSync } from "node:fs";
import { access, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { createGit, type Git } from "../git/git.js";
import { hasHead, repoRootOf, uncommittedPaths } from "../git/work-tree.js";
import { listClaudeFiles } from "../package/claude-files.js";
import { isExcludedFile } from "../package/exclusions.js";
import { runSecretGate } from "../package/secret-gate.js";
import { isBlocking } from "../secrets/severity.js";
import type { ScanReport } from "../secrets/types.js";
import { RemoteError } from "../util/errors.js";

/** How the adapters render a scan (one text for the CLI and the MCP tool). */
export { formatFindings } from "../package/secret-gate.js";
export type { ScanReport } from "../secrets/types.js";

import type { Runner } from "../util/run.js";

export interface WhatShips {
  repo: string;
  /** Rev arguments whose every reachable blob is scanned, as `git bundle create` would ship them. */
  revs: string[];
  /** Files scanned as they sit on disk: uncommitted work, .claude/ files, the agent file. */
  files: string[];
  /** A custom agent given as a path ships too (as agent/<name>). */
  agentFile: string | null;
}

export interface ShipScan {
  whatShips: WhatShips;
  report: ScanReport;
  /** True when any finding would stop the upload ("warn" findings are reported, not blocking). */
  blocked: boolean;
}

export interface ScanWhatShipsInput {
  /** Any directory inside the repository. */
  path: string;
  agentCommand?: string[];
  cacheDir?: string;
  runner?: Runner;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export async function scanWhatShips(input: ScanWhatShipsInput): Promise<ShipScan> {
  const root = await repoRootOf(resolve(input.path), input.runner);
  const git = createGit(root, input.runner);
  const withHead = await hasHead(git);
  const revs = ["--branches", "--tags", ...(withHead ? ["HEAD"] : [])];
  const files = await filesOutsideHistory(git, withHead);
  const agentFile = input.agentCommand ? await localAgentFile(input.agentCommand[0], input.path) : null;
  if (agentFile) files.push({ path: `agent/${basename(agentFile)}`, absPath: agentFile });
  const report = await runSecretGate({
    repo: root,
    revs,
    files,
    cacheDir: input.cacheDir,
    signal: input.signal,
    onProgress: input.onProgress,
  });
  return {
    whatShips: { repo: root, revs, files: files.map((f) => f.path), agentFile },
    report,
    blocked: report.findings.some(isBlocking),
  };
}

/**
 * Uncommitted work as it sits in the working tree, and the .claude/ files. Untracked files that
 * are excluded from shipping (.env, keys...) are left out: they never leave the machine, and
 * "move it to .env" is the remedy we give. A modified tracked file ships whatever its name.
 */
async function filesOutsideHistory(
  git: Git,
  withHead: boolean,
): Promise<{ path: string; absPath: string }[]> {
  const root = git.cwd;
  const { tracked, untracked: allUntracked } = await uncommittedPaths(git, withHead);
  const untracked = allUntracked.filter((p) => !isExcludedFile(root, p));
  const byPath = new Map<string, string>();
  for (const rel of [...tracked, ...untracked]) {
    const abs = join(root, rel);
    if (existsSync(abs) && statSync(abs).isFile()) byPath.set(rel, abs);
  }
  const claudeDir = join(root, ".claude");
  if (existsSync(claudeDir) && statSync(claudeDir).isDirectory()) {
    for (const f of (await listClaudeFiles(root)).files) byPath.set(f.path, f.absPath);
  }
  return [...byPath].map(([path, absPath]) => ({ path, absPath }));
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
