/**
 * Real temporary git repositories for tests, and a fingerprint of everything of the user's that we
 * promise never to touch: working tree, index, local branches, stash.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { assertNoCanary } from "./canary.js";

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export function tempDir(prefix = "ar-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** A repository with .claude/, one commit on main, and whatever else the test adds. */
export function makeRepo(dir = tempDir("ar-repo-")): string {
  git(dir, "init", "-q", "-b", "main");
  write(dir, "README.md", "# Project\n");
  write(dir, "src/app.txt", "hello\n");
  write(dir, ".claude/settings.json", '{ "permissions": {} }\n');
  write(dir, ".gitignore", "ignored.txt\n");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "Initial commit");
  return dir;
}

export function commitFile(repo: string, path: string, content: string, message = `change ${path}`): string {
  write(repo, path, content);
  git(repo, "add", "--", path);
  git(repo, "commit", "-q", "-m", message);
  return git(repo, "rev-parse", "HEAD").trim();
}

/**
 * Hash of the working tree (every file outside .git, except our own logs directory, which the
 * spec tells us to write), the index file, refs/heads/* and refs/stash.
 */
export function userStateHash(repo: string): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const rel = relative(repo, abs);
      if (rel === ".git" || rel === join(".claude", "runtime", "logs", "remote")) continue;
      const st = statSync(abs);
      if (st.isDirectory()) walk(abs);
      else h.update(`${rel}\0${st.mode}\0`).update(readFileSync(abs));
    }
  };
  walk(repo);
  h.update(readFileSync(join(repo, ".git", "index")));
  h.update(git(repo, "for-each-ref", "refs/heads", "refs/stash", "--format=%(refname) %(objectname)"));
  h.update(git(repo, "symbolic-ref", "-q", "HEAD").trim());
  return h.digest("hex");
}

/** Removes test directories, after checking none holds the suite's canary credential. */
export function cleanup(...dirs: string[]): void {
  try {
    assertNoCanary(...dirs);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
