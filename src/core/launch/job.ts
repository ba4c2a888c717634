/**
 * The job a launch worker carries out, as a file in the state directory (mode 0600, removed when
 * the worker is done): the prepared runs and where their package lies. Never a credential: the
 * worker reads those from the environment it was started with.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { z } from "zod";
import { createGit } from "../../git/git.js";
import type { Manifest } from "../../package/build-context.js";
import type { Runner } from "../../util/run.js";
import { releaseScratchDirForJob } from "../../util/scratch-dirs.js";
import { runOptionsSchema } from "../options.js";
import type { LaunchBatch } from "./launch-batch.js";

const jobSchema = z.object({
  batchId: z.string(),
  /** The repository's root: the worker works from there. */
  repo: z.string(),
  autoRetrieve: z.boolean(),
  runs: z.array(z.object({ runId: z.string(), options: runOptionsSchema, argv: z.array(z.string()) })),
  pkg: z.object({
    dir: z.string(),
    gitDir: z.string(),
    stage: z.string(),
    revs: z.array(z.string()),
    archivePath: z.string(),
    archiveSha256: z.string(),
    archiveBytes: z.number(),
    params: z.record(z.string(), z.string()),
    manifest: z.record(z.string(), z.unknown()),
  }),
});
export type LaunchJob = z.infer<typeof jobSchema>;

export function jobOf(batchId: string, repo: string, batch: LaunchBatch): LaunchJob {
  const { pkg } = batch;
  return {
    batchId,
    repo,
    autoRetrieve: batch.autoRetrieve,
    runs: batch.runs,
    pkg: {
      dir: pkg.dir,
      gitDir: pkg.git.cwd,
      stage: pkg.stage,
      revs: pkg.revs,
      archivePath: pkg.archivePath,
      archiveSha256: pkg.archiveSha256,
      archiveBytes: pkg.archiveBytes,
      params: pkg.params,
      manifest: pkg.manifest as unknown as Record<string, unknown>,
    },
  };
}

export async function writeJob(file: string, job: LaunchJob): Promise<void> {
  await writeFile(file, `${JSON.stringify(job)}\n`, { mode: 0o600 });
}

export async function readJob(file: string, runner: Runner): Promise<{ job: LaunchJob; batch: LaunchBatch }> {
  const job = jobSchema.parse(JSON.parse(await readFile(file, "utf8")));
  const { gitDir, manifest, ...pkg } = job.pkg;
  return {
    job,
    batch: {
      runs: job.runs,
      autoRetrieve: job.autoRetrieve,
      repoGit: createGit(job.repo, runner),
      pkg: { ...pkg, git: createGit(gitDir, runner), manifest: manifest as unknown as Manifest },
    },
  };
}

/** The ids of a job file's runs; null when it cannot be read as a job. */
export async function jobRunIds(file: string): Promise<string[] | null> {
  try {
    const parsed = jobSchema.pick({ runs: true }).safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? parsed.data.runs.map((r) => r.runId) : null;
  } catch {
    return null;
  }
}

/**
 * The package directory a job file points at: null when the file is gone or names none,
 * undefined when it cannot be read as JSON (being written, or not ours).
 */
export async function jobPackageDir(file: string): Promise<string | null | undefined> {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const dir = (JSON.parse(text) as { pkg?: { dir?: unknown } }).pkg?.dir;
    return typeof dir === "string" ? dir : null;
  } catch {
    return undefined;
  }
}

/** Removes a job file and the package it points at (no run of it can be launched any more). */
export async function dropJob(file: string): Promise<void> {
  const dir = await jobPackageDir(file);
  if (dir) await rm(dir, { recursive: true, force: true });
  await rm(file, { force: true });
  if (dir) await releaseScratchDirForJob(dir);
}
