/**
 * Which of some object ids are commits this repository has: a reused machine names the commits
 * its cache holds, and only those present here too may serve as a thin archive's prerequisites.
 */
import type { Git } from "./git.js";

export async function commitsPresent(git: Git, candidates: string[]): Promise<string[]> {
  if (candidates.length === 0) return [];
  const check = await git.try(["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
    input: `${candidates.join("\n")}\n`,
  });
  return check.stdout
    .split("\n")
    .map((l) => l.split(" "))
    .filter(([, type]) => type === "commit")
    .map(([sha]) => sha);
}
