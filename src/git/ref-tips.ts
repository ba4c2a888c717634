/**
 * Where refs point right now: what the merge advice needs to name a ref that holds a given run's
 * result at the moment it is printed (the alias remote-exec/<branch> moves with every run).
 */
import type { Git } from "./git.js";

/** The commit each ref points at now, or null for a ref that does not exist. */
export async function refTips(git: Git, refs: string[]): Promise<Map<string, string | null>> {
  const tips = new Map<string, string | null>();
  if (refs.length === 0) return tips;
  // One for-each-ref call for all of them: exact names, so no pattern can match a neighbour.
  const out = await git.try(["for-each-ref", "--format=%(refname) %(objectname)", ...refs]);
  for (const ref of refs) tips.set(ref, null);
  for (const line of out.stdout.split("\n")) {
    const [ref, sha] = line.split(" ");
    if (ref && sha && tips.has(ref)) tips.set(ref, sha);
  }
  return tips;
}
