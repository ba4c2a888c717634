/**
 * "What would ship, and does a secret block it?" without building the archive or touching a
 * machine. The plan is the package stage's own (package/shipment.ts): every blob of `--branches
 * --tags HEAD` and of the snapshot of uncommitted work (made in a scratch repository that is thrown
 * away, so the user's .git is never written), the `.claude/` files and a custom agent given as a
 * local file, through the same gate with the same inputs: the verdicts are the run's verdicts.
 * Returns the report; printing is the caller's business (the `scan` command and the scan_secrets
 * tool).
 */
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { createGit } from "../git/git.js";
import { hasHead, repoRootOf } from "../git/work-tree.js";
import { judgeShipment, listShippedFiles, planShipment, scratchDirIn } from "../package/shipment.js";
import { isBlocking } from "../secrets/severity.js";
import type { ScanReport } from "../secrets/types.js";
import type { Runner } from "../util/run.js";
import { makeScratchDir } from "../util/scratch-dirs.js";

/** How the adapters render a scan (one text for the CLI and the MCP tool). */
export { formatFindings } from "../package/secret-gate.js";
export type { ScanReport } from "../secrets/types.js";

export interface WhatShips {
  repo: string;
  /** Rev arguments whose every reachable blob is scanned, as `git bundle create` would ship them. */
  revs: string[];
  /** Uncommitted paths (shipped in the snapshot commit), then the archive's .claude and agent files. */
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
  const headCommit = (await hasHead(git)) ? (await git.run(["rev-parse", "HEAD^{commit}"])).trim() : null;
  const listed = await listShippedFiles(root, input.agentCommand?.[0], input.path);
  const dir = await makeScratchDir("scan");
  try {
    const plan = await planShipment({
      git,
      headCommit,
      scratchDir: scratchDirIn(dir),
      listed,
    });
    const report = await judgeShipment(plan, {
      cacheDir: input.cacheDir,
      signal: input.signal,
      onProgress: input.onProgress,
    });
    return {
      whatShips: {
        repo: root,
        // The snapshot's ref lives in the thrown-away scratch repository: name what the user has.
        revs: plan.revs.filter((r) => r !== plan.wip.ref),
        files: [...plan.wip.changedPaths, ...plan.files.map((f) => f.path)],
        agentFile: plan.agentFile,
      },
      report,
      blocked: report.findings.some(isBlocking),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
