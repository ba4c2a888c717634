/**
 * The gate on what comes home: the commits a ref from the machine brings pass the same secret gate
 * as what ships (on the blobs they add), and an exact match on every forwarded credential value
 * (in file contents and in commit messages), before anything reaches the user's refs. An agent
 * that wrote $ANTHROPIC_API_KEY into a file gets its branch refused, not aliased.
 */

import { listReachableBlobs, readBlobs } from "../../git/blobs.js";
import { createGit } from "../../git/git.js";
import type { VetIncoming } from "../../git/integrate.js";
import { runSecretGate } from "../../package/secret-gate.js";
import { maskValue } from "../../secrets/index.js";
import { FORWARDED_CREDENTIALS } from "../../util/credentials.js";

/** Values shorter than this are too likely to occur by chance to mean anything. */
const MIN_EXACT = 8;

export function secretVet(input: {
  allowlistRoot: string;
  env: NodeJS.ProcessEnv;
  cacheDir?: string;
}): VetIncoming {
  const forwarded = FORWARDED_CREDENTIALS.flatMap((name) => {
    const value = input.env[name];
    return value && value.length >= MIN_EXACT ? [{ name, value: Buffer.from(value) }] : [];
  });
  return async (repo, revs) => {
    // The gate and the exact-value check read the same commits and write nothing: run together.
    const [report, exact] = await Promise.all([
      runSecretGate({
        repo,
        allowlistRoot: input.allowlistRoot,
        revs,
        files: [],
        cacheDir: input.cacheDir,
      }),
      forwardedValuesIn(repo, revs, forwarded),
    ]);
    const problems = report.findings.map((f) => `${f.path}:${f.line} ${f.rule} ${f.masked}`);
    problems.push(...exact);
    if (problems.length === 0) return null;
    return `${problems.length} possible secret(s) in its commits: ${problems.join("; ")}.`;
  };
}

/** Where the forwarded credentials' exact values occur in the commits (file contents and messages). */
async function forwardedValuesIn(
  repo: string,
  revs: string[],
  forwarded: { name: string; value: Buffer }[],
): Promise<string[]> {
  if (forwarded.length === 0) return [];
  const problems: string[] = [];
  const [blobs, messages] = await Promise.all([
    listReachableBlobs(repo, revs),
    createGit(repo).run(["log", "--format=%B", ...revs, "--"]),
  ]);
  const pathOf = new Map(blobs.map((b) => [b.oid, b.path]));
  for await (const { oid, content } of readBlobs(
    repo,
    blobs.map((b) => b.oid),
  )) {
    for (const c of forwarded)
      if (content.includes(c.value))
        problems.push(`${pathOf.get(oid)}: the value of ${c.name} (${maskValue(c.value.toString())})`);
  }
  const text = Buffer.from(messages);
  for (const c of forwarded)
    if (text.includes(c.value))
      problems.push(`a commit message: the value of ${c.name} (${maskValue(c.value.toString())})`);
  return problems;
}
