/**
 * The facts about the user's repository that validation needs before anything slow happens, and
 * the repositories that cannot work at all (shallow, partial) refused before anything billable: a
 * bundle of them cannot be made or cannot be restored on the machine.
 */
import { existsSync } from "node:fs";
import { RemoteError } from "../util/errors.js";
import type { Runner } from "../util/run.js";
import { shellQuote } from "../util/shell-quote.js";
import { createGit } from "./git.js";
import { notARepoError } from "./not-a-repo.js";

export interface RepoFacts {
  root: string;
  /** The checked-out branch, or null on a detached HEAD. */
  branch: string | null;
  headCommit: string;
  /** Things to say before the run (a merge or rebase in progress ships its conflict markers). */
  warnings: string[];
}

export async function readRepoFacts(path: string, runner?: Runner): Promise<RepoFacts> {
  const probe = createGit(path, runner);
  const top = await probe.try(["rev-parse", "--show-toplevel"]);
  if (top.exitCode !== 0) {
    throw notARepoError(
      path,
      top.stderr,
      "Run amplihack-remote from your project's git repository (or `git init` and commit first).",
    );
  }
  const root = top.stdout.trim();
  const git = createGit(root, runner);
  // The questions below are independent (each a short git process): asked at once, their answers
  // judged in the order of the checks, so the first problem found is the one reported as before.
  const [head, layout, promisor, symbolic, unmerged] = await Promise.all([
    git.try(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]),
    git.run([
      "rev-parse",
      "--is-shallow-repository",
      "--path-format=absolute",
      ...LAYOUT.flatMap((n) => ["--git-path", n]),
    ]),
    // -z: a remote's name may hold spaces ("key\nvalue\0" per entry).
    git.try(["config", "-z", "--get-regexp", "^(extensions\\.partialclone|remote\\..*\\.promisor)$"]),
    git.try(["symbolic-ref", "--quiet", "--short", "HEAD"]),
    git.run(["ls-files", "--unmerged"]),
  ]);
  if (head.exitCode !== 0) {
    throw new RemoteError(
      "no-commits",
      `The repository at ${root} has no commits yet.`,
      "Make a first commit (`git add -A && git commit -m init`) so there is something to ship.",
    );
  }
  const paths = refuseUnusableClone(root, layout, promisor.stdout);
  return {
    root,
    branch: symbolic.exitCode === 0 ? symbolic.stdout.trim() : null,
    headCommit: head.stdout.trim(),
    warnings: operationInProgress(paths, unmerged.trim() !== ""),
  };
}

const IN_PROGRESS = [
  ["MERGE_HEAD", "a merge"],
  ["rebase-merge", "a rebase"],
  ["rebase-apply", "a rebase (or `git am`)"],
  ["CHERRY_PICK_HEAD", "a cherry-pick"],
  ["REVERT_HEAD", "a revert"],
] as const;

const LAYOUT = IN_PROGRESS.map(([name]) => name);

function refuseUnusableClone(root: string, layout: string, promisorConfig: string): Map<string, string> {
  const out = layout.trim().split("\n");
  if (out[0] === "true") {
    throw new RemoteError(
      "not-a-repo",
      `The repository at ${root} is a shallow clone: its history is cut off, so it cannot be bundled and restored on the machine.`,
      "Fetch the whole history first: `git fetch --unshallow` (then run again).",
    );
  }
  // Partial is what the config says, as for git itself: the `.promisor` files its packs keep after
  // every object has been fetched (our own remedy below leaves them) mean nothing without it, and
  // an object that is missing all the same stops the packaging with git's own error.
  const keys = promisorConfig
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const [key, ...value] = entry.split("\n");
      return { key, value: value.join("\n") };
    })
    // git's false: false, no, off, 0 (any case); anything else (a remote's name, true) is set.
    .filter(({ value }) => !/^(?:false|no|off|0)$/i.test(value));
  if (keys.length > 0) {
    throw new RemoteError(
      "not-a-repo",
      `The repository at ${root} is a partial clone (objects are left on a promisor remote: ${keys.map((k) => k.key).join(", ")} in its config): a bundle of it would miss objects.`,
      `Fetch every object, then stop using the promisor: \`${unpartialCommand(keys)}\` (git 2.36 or later); or run from a full clone.`,
    );
  }
  return new Map(LAYOUT.map((n, i) => [n, out[i + 1]]));
}

/**
 * The commands that make a partial clone whole, for the remotes its config names: each step runs
 * whether or not a filter is set (`--unset` of a missing key fails), the config only after the fetch.
 */
function unpartialCommand(keys: { key: string; value: string }[]): string {
  const remotes = new Set<string>();
  for (const { key, value } of keys) {
    const m = /^remote\.(.+)\.promisor$/.exec(key);
    if (m) remotes.add(m[1]);
    else if (value) remotes.add(value); // extensions.partialclone names the remote
  }
  const steps = [...remotes].map((r) => {
    const q = shellQuote(r);
    return `git config --unset-all remote.${q}.partialclonefilter; git fetch --refetch ${q} && git config --unset remote.${q}.promisor`;
  });
  // Several remotes: each one's steps grouped, the next only after it succeeded.
  const grouped = steps.length > 1 ? steps.map((s) => `{ ${s}; }`) : steps;
  const extension = keys.some((k) => k.key === "extensions.partialclone")
    ? " && git config --unset extensions.partialclone"
    : "";
  return `${grouped.join(" && ")}${extension}`;
}

function operationInProgress(paths: Map<string, string>, unmerged: boolean): string[] {
  const going = IN_PROGRESS.filter(([name]) => existsSync(paths.get(name) ?? "")).map(([, what]) => what);
  if (going.length === 0 && !unmerged) return [];
  return [
    `${going.length ? `${[...new Set(going)].join(" and ")} is in progress` : "there are unmerged files"} in your repository: the uncommitted work that ships (and the agent starts from) holds its state as it is now, conflict markers included. Finish or abort it first (e.g. \`git merge --abort\`, \`git rebase --abort\`) if that is not what you want.`,
  ];
}
