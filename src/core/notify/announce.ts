/**
 * "Which runs finished since the last time": the finished runs of one repository that nobody has
 * been told of yet, marked as told in the same locked write, so two sessions starting at once
 * never announce a run twice and a run is never announced before it has ended.
 *
 * Only the run records are read: no machine is asked, so this is fast enough for a hook that runs
 * before every session and every prompt.
 */
import { runsFile } from "../../state/paths.js";
import type { RunRecord } from "../../state/run-record.js";
import { StateStore } from "../../state/store.js";
import { inRepo, isUnannouncedFinished, stateDirsToAnnounce } from "./quick-look.js";
import { announceRun, type RunAnnouncement } from "./summary-line.js";

export { inRepo, stateDirsToAnnounce };

const unannounced = (r: RunRecord, match: (r: RunRecord) => boolean) => isUnannouncedFinished(r) && match(r);

/**
 * The finished, unannounced runs of the repository at `cwd`, oldest first, now marked announced.
 * Without any such run the state file is only read, never written (nor created).
 */
export function takeAnnouncements(
  store: StateStore,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunAnnouncement[]> {
  return takeFinished(store, (r) => inRepo(cwd, r.repo), env);
}

/** The same for every run `match` accepts (`status --watch` takes those of every repository). */
export async function takeFinished(
  store: StateStore,
  match: (r: RunRecord) => boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunAnnouncement[]> {
  const quick = Object.values((await store.read()).runs).some((r) => unannounced(r, match));
  if (!quick) return [];
  return store.update((state) => {
    const now = new Date().toISOString();
    const runs = Object.values(state.runs)
      .filter((r) => unannounced(r, match))
      .sort((a, b) => (a.endedAt ?? a.updatedAt).localeCompare(b.endedAt ?? b.updatedAt));
    for (const r of runs) state.runs[r.id] = { ...r, announcedAt: now };
    return runs.map((r) => announceRun(r, env));
  });
}

/** The text a session reads: what finished, and how to merge each. Empty when nothing did. */
export function announcementText(list: RunAnnouncement[]): string {
  if (list.length === 0) return "";
  const lines = [
    `amplihack-remote: ${list.length} remote run(s) of this repository finished since the last session:`,
  ];
  for (const a of list) {
    lines.push(`- ${a.line}`);
    if (a.next.length > 0) lines.push("  To merge (in order):", ...a.next.map((n) => `    ${n}`));
  }
  lines.push(
    "The results are git refs under remote-exec/ (nothing was merged). Tell the user about these runs if it is relevant to what they ask.",
  );
  return lines.join("\n");
}

/** The session's news: the finished, unannounced runs of the repository at `cwd`, in every state directory. */
export async function announceForSession(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const found: RunAnnouncement[] = [];
  for (const dir of stateDirsToAnnounce(env))
    found.push(...(await takeAnnouncements(new StateStore(runsFile(dir)), cwd, env)));
  return announcementText(found);
}
