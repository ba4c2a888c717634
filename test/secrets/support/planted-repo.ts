/**
 * A repository with a full set of synthesised credentials in every place that ships: the head,
 * history only (added then deleted), another branch, a tag only, a tracked nested .env, an
 * uncommitted change (shipped as a snapshot commit, the way the package stage does it), and an
 * untracked .claude/ file.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { commitFile, git, tempDir, write } from "../../support/repo.js";
import { type Planted, plantAll, TokenFactory } from "./tokens.js";

export interface Place {
  name: string;
  path: string;
  source: "history" | "file";
  commit?: string;
  ref?: string;
  planted: Planted;
}

export interface PlantedRepo {
  repo: string;
  revs: string[];
  files: { path: string; absPath: string }[];
  places: Place[];
}

/** The uncommitted work as a commit, made with a private index: the user's index is not touched. */
export function snapshotCommit(repo: string): string {
  const env = { ...process.env, GIT_INDEX_FILE: join(repo, ".git", "test-snapshot-index") };
  const run = (...args: string[]) => execFileSync("git", args, { cwd: repo, env, encoding: "utf8" }).trim();
  run("read-tree", "HEAD");
  run("add", "-A");
  const tree = run("write-tree");
  return run("commit-tree", tree, "-p", "HEAD", "-m", "uncommitted work");
}

export function buildPlantedRepo(seed = 20261124): PlantedRepo {
  const t = new TokenFactory(seed);
  const repo = tempDir("ar-secrets-");
  git(repo, "init", "-q", "-b", "main");
  write(repo, "README.md", "# Project\n");
  write(repo, ".gitignore", ".claude/settings.local.json\n");
  write(repo, "notes/todo.md", "nothing yet\n");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "Initial commit");
  const places: Place[] = [];
  const main = "refs/heads/main";

  let planted = plantAll(t, "env");
  let commit = commitFile(repo, "config/app.env", planted.content, "Add app config");
  places.push({ name: "head", path: "config/app.env", source: "history", commit, ref: main, planted });

  planted = plantAll(t, "env");
  commit = commitFile(repo, "old/creds.txt", planted.content, "Add creds");
  git(repo, "rm", "-q", "old/creds.txt");
  git(repo, "commit", "-q", "-m", "Remove creds");
  places.push({ name: "history only", path: "old/creds.txt", source: "history", commit, ref: main, planted });

  planted = plantAll(t, "env");
  commit = commitFile(repo, "services/api/.env", planted.content, "Add api env");
  places.push({
    name: "tracked nested .env",
    path: "services/api/.env",
    source: "history",
    commit,
    ref: main,
    planted,
  });

  git(repo, "checkout", "-q", "-b", "feature-x");
  planted = plantAll(t, "json");
  commit = commitFile(repo, "deploy/feature.json", planted.content, "Feature config");
  places.push({
    name: "other branch",
    path: "deploy/feature.json",
    source: "history",
    commit,
    ref: "refs/heads/feature-x",
    planted,
  });

  git(repo, "checkout", "-q", "-b", "temp", "main");
  planted = plantAll(t, "env");
  commit = commitFile(repo, "release/notes.txt", planted.content, "Release notes");
  git(repo, "tag", "v-secret");
  git(repo, "checkout", "-q", "main");
  git(repo, "branch", "-q", "-D", "temp");
  places.push({
    name: "tag only",
    path: "release/notes.txt",
    source: "history",
    commit,
    ref: "refs/tags/v-secret",
    planted,
  });

  planted = plantAll(t, "env");
  write(repo, "notes/todo.md", planted.content);
  const wip = snapshotCommit(repo);
  places.push({
    name: "uncommitted change",
    path: "notes/todo.md",
    source: "history",
    commit: wip,
    ref: wip,
    planted,
  });

  planted = plantAll(t, "json");
  write(repo, ".claude/settings.local.json", planted.content);
  places.push({
    name: "untracked .claude file",
    path: ".claude/settings.local.json",
    source: "file",
    planted,
  });

  return {
    repo,
    revs: ["--branches", "--tags", "HEAD", wip],
    files: [{ path: ".claude/settings.local.json", absPath: join(repo, ".claude/settings.local.json") }],
    places,
  };
}
