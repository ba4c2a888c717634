/**
 * The hook's first look: is there, in any state directory, a finished run of this repository that
 * nobody was told of? It reads the state files as plain JSON with node builtins only, so the hook
 * answers "nothing new" (the usual case, before every prompt) without loading the schema, the
 * lock or the summary code (dist/hook-core.js). Anything it cannot be sure of is "maybe": the full
 * hook then reads the files the careful way and reports what is wrong with them.
 */
import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { sep } from "node:path";
import { runsFile, stateDir } from "../../state/paths.js";
import { FINISHED } from "../../state/run-statuses.js";

/** The directory and its real path (a temp dir or a symlinked checkout compares either way). */
function bothPaths(dir: string): string[] {
  try {
    return [...new Set([dir, realpathSync(dir)])];
  } catch {
    return [dir];
  }
}

/** Is `cwd` the repository `repo` or a directory inside it? */
export function inRepo(cwd: string, repo: string): boolean {
  return bothPaths(cwd).some((c) => bothPaths(repo).some((r) => c === r || c.startsWith(r + sep)));
}

/** Every state directory a run of this user may be recorded in, each once (plugin's and CLI's). */
export function stateDirsToAnnounce(env: NodeJS.ProcessEnv): string[] {
  const { CLAUDE_PLUGIN_DATA: _plugin, ...outside } = env;
  return [...new Set([stateDir(env), stateDir(outside)])];
}

/** Finished and nobody told yet: the announcement's test, on a record as it lies in the file too. */
export function isUnannouncedFinished(record: unknown): boolean {
  const r = record as { announcedAt?: unknown; status?: unknown } | null;
  return (
    typeof r === "object" &&
    r !== null &&
    (r.announcedAt === null || r.announcedAt === undefined) &&
    typeof r.status === "string" &&
    (FINISHED as readonly string[]).includes(r.status)
  );
}

/** News for the session at `cwd`: an unannounced finished run of its repository. */
export function isNews(record: unknown, cwd: string): boolean {
  const repo = (record as { repo?: unknown } | null)?.repo;
  return isUnannouncedFinished(record) && typeof repo === "string" && inRepo(cwd, repo);
}

/** "none" only when every state file is absent or holds no news for `cwd`; otherwise "maybe". */
export async function quickLook(cwd: string, env: NodeJS.ProcessEnv): Promise<"none" | "maybe"> {
  for (const dir of stateDirsToAnnounce(env)) {
    let text: string;
    try {
      text = await readFile(runsFile(dir), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      return "maybe";
    }
    let runs: unknown;
    try {
      runs = (JSON.parse(text) as { runs?: unknown }).runs;
    } catch {
      return "maybe";
    }
    if (typeof runs !== "object" || runs === null) return "maybe";
    if (Object.values(runs).some((r) => isNews(r, cwd))) return "maybe";
  }
  return "none";
}
