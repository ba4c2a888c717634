/**
 * Well-known credential files: committed anywhere in the shipped history they block the run with
 * the remedy; untracked they never ship (checked in the bundle the real package stage would
 * upload), while an untracked work file next to them does.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentInvocation } from "../../src/core/agent-invocation.js";
import { runOptionsSchema } from "../../src/core/options.js";
import { createGit } from "../../src/git/git.js";
import { readRepoFacts } from "../../src/git/repo-facts.js";
import { buildContext, type ContextPackage } from "../../src/package/build-context.js";
import { formatFindings, runSecretGate } from "../../src/package/secret-gate.js";
import type { ScanReport } from "../../src/secrets/types.js";
import { TokenFactory } from "../secrets/support/tokens.js";
import { cleanup, commitFile, git, tempDir, write } from "../support/repo.js";

const t = new TokenFactory(4242);
const password = t.chars(18);
const pem = (kind: string) =>
  `-----BEGIN ${kind}PRIVATE KEY-----\n${t.pemBody().join("\n")}\n-----END ${kind}PRIVATE KEY-----\n`;
const binaryStore = () =>
  Buffer.concat([
    Buffer.from([0x30, 0x82, 0x0a, 0x0b, 0x02, 0x01, 0x03, 0]),
    Buffer.from(t.chars(200)),
  ]).toString("latin1");

/**
 * Each credential file: path, content, and the rule that reports it when committed (for the two
 * registry configs, our own rule or an earlier, broader one that covers the same span).
 */
const CREDENTIAL_FILES: [path: string, content: string, rule: string][] = [
  [".netrc", `machine api.example.net login deploy password ${password}\n`, "credential-file"],
  ["home/_netrc", `machine git.example.net login ci password ${password}\n`, "credential-file"],
  [".pgpass", `db.internal:5432:app:app:${password}\n`, "credential-file"],
  [".git-credentials", `https://deploy:${password}@git.example.net\n`, "credential-file"],
  [".pypirc", `[pypi]\nusername = __token__\npassword = ${password}\n`, "credential-file"],
  [
    "ops/.docker/config.json",
    `{"auths":{"registry.example.net":{"auth":"${Buffer.from(`ci:${password}`).toString("base64")}"}}}\n`,
    "credential-file",
  ],
  [
    ".kube/config",
    `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: ${Buffer.from(t.chars(90)).toString("base64")}\n`,
    "credential-file",
  ],
  [
    "deploy/prod.kubeconfig",
    `users:\n- user:\n    client-key-data: ${Buffer.from(t.chars(90)).toString("base64")}\n`,
    "credential-file",
  ],
  [".aws/credentials", `[default]\nregion = eu-west-1\n`, "credential-file"],
  [".azure/msal_token_cache.json", `{"AccessToken": {}}\n`, "credential-file"],
  [".config/gcloud/application_default_credentials.json", `{"type": "authorized_user"}\n`, "credential-file"],
  ["certs/client.p12", binaryStore(), "credential-file"],
  ["certs/server.pfx", binaryStore(), "credential-file"],
  ["android/release.jks", binaryStore(), "credential-file"],
  ["android/debug.keystore", binaryStore(), "credential-file"],
  ["keys/id_ed25519", pem("OPENSSH "), "credential-file"],
  // By content, whatever the name.
  [
    ".npmrc",
    `registry=https://npm.corp.example/\n//npm.corp.example/:_auth=${Buffer.from(`ci:${password}`).toString("base64")}\n`,
    "npmrc-auth",
  ],
  [
    "web/.yarnrc.yml",
    `npmRegistryServer: "https://npm.corp.example"\nnpmAuthIdent: "ci:${password}"\n`,
    "yarnrc-auth",
  ],
  ["tools/deploy_key", pem("OPENSSH "), "private-key"],
  [
    "infra/ci-bot.json",
    `{\n  "type": "service_account",\n  "project_id": "demo",\n  "private_key_id": "${t.chars(40, "0123456789abcdef")}",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${t.pemBody().join("\\n")}\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "ci@demo.iam.gserviceaccount.com"\n}\n`,
    "service-account-json",
  ],
];

/** Untracked, these are left out by name; the content-only ones (ssh key, service account) block instead. */
const BY_NAME = CREDENTIAL_FILES.filter(
  ([, , rule]) => rule === "credential-file" || rule.endsWith("rc-auth"),
);

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

function freshRepo(): string {
  const repo = tempDir("ar-credfiles-");
  dirs.push(repo);
  git(repo, "init", "-q", "-b", "main");
  mkdirSync(join(repo, ".claude"));
  write(repo, ".claude/settings.json", "{}\n");
  commitFile(repo, "README.md", "# project\n");
  return repo;
}

describe("committed in history", () => {
  let report: ScanReport;
  beforeAll(async () => {
    const repo = freshRepo();
    for (const [path, content] of CREDENTIAL_FILES) write(repo, path, content);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "oops: credentials");
    // Removed again in the next commit: still in the shipped history.
    git(repo, "rm", "-q", "-r", "--", ...CREDENTIAL_FILES.map(([p]) => p));
    git(repo, "commit", "-q", "-m", "remove credentials");
    report = await runSecretGate({ repo, revs: ["--branches", "--tags", "HEAD"], files: [] });
  });

  it.each(CREDENTIAL_FILES)("%s blocks the run", (path, _content, rule) => {
    const hits = report.findings.filter((f) => f.path === path);
    const accepted = rule.endsWith("rc-auth") ? [rule, "generic-api-key", "npm-token"] : [rule];
    expect(hits.some((f) => accepted.includes(f.rule))).toBe(true);
    expect(hits.every((f) => f.source === "history" && f.commit)).toBe(true);
  });

  it("says what to do: rotate, and rewrite history to drop the file", () => {
    const text = formatFindings(report);
    expect(text).toContain(".netrc:1  credential-file  (netrc file)");
    expect(text).toContain("rotate");
    expect(text).toContain("--invert-paths --path <file>");
    expect(text).not.toContain(password);
  });
});

describe("untracked in the working tree", () => {
  let pkg: ContextPackage;
  let shipped: string[];
  beforeAll(async () => {
    const repo = freshRepo();
    for (const [path, content] of BY_NAME) write(repo, path, content);
    write(repo, ".claude/.pgpass", `db:5432:app:app:${password}\n`);
    write(repo, "notes/work.md", "work in progress\n");
    write(repo, "plain/.npmrc", "registry=https://npm.corp.example/\n");
    const git_ = createGit(repo);
    const options = runOptionsSchema.parse({ command: "auto", prompt: "go", target: "local" });
    pkg = await buildContext({
      git: git_,
      facts: await readRepoFacts(repo),
      runId: "20261201-000000-cred",
      options,
      agent: {
        argv: agentInvocation({ command: "auto", prompt: "go", maxTurns: 10 }).argv,
        ensureTooling: false,
      },
      cwd: repo,
    });
    dirs.push(pkg.dir);
    // What would be uploaded: the archive, and in it the bundle with the snapshot commit.
    const out = join(pkg.dir, "unpacked");
    mkdirSync(out);
    await tar.extract({ file: pkg.archivePath, cwd: out });
    const clone = join(pkg.dir, "clone");
    execFileSync("git", ["clone", "-q", join(out, "repo.bundle"), clone]);
    const tree = execFileSync("git", ["-C", clone, "ls-tree", "-r", "--name-only", pkg.manifest.wipCommit!], {
      encoding: "utf8",
    });
    const claude = execFileSync("find", [join(out, "claude-dir"), "-type", "f"], { encoding: "utf8" });
    shipped = [
      ...tree.split("\n"),
      ...claude.split("\n").map((p) => p.replace(`${out}/claude-dir/`, ".claude/")),
    ];
  });

  it.each(BY_NAME)("%s does not ship", (path) => {
    expect(shipped).not.toContain(path);
    expect(pkg.manifest.excludedPaths).toContain(path);
  });

  it("the work next to them ships, and so does an .npmrc without a token", () => {
    expect(shipped).toContain("notes/work.md");
    expect(shipped).toContain("plain/.npmrc");
    expect(shipped).toContain(".claude/settings.json");
    expect(shipped).not.toContain(".claude/.pgpass");
  });

  it("an SSH private key under any name blocks the run instead", async () => {
    const repo = freshRepo();
    write(repo, "tools/deploy_key", pem("OPENSSH "));
    const options = runOptionsSchema.parse({ command: "auto", prompt: "go", target: "local" });
    const run = buildContext({
      git: createGit(repo),
      facts: await readRepoFacts(repo),
      runId: "20261201-000001-cred",
      options,
      agent: {
        argv: agentInvocation({ command: "auto", prompt: "go", maxTurns: 10 }).argv,
        ensureTooling: false,
      },
      cwd: repo,
    });
    await expect(run).rejects.toMatchObject({ code: "secret-found" });
  });
});

describe("in a test fixture or a doc", () => {
  it("is reported, not blocking, as any match without a structure to check is there; the same name elsewhere blocks", async () => {
    const repo = freshRepo();
    // As httpx keeps them in its history.
    const fixture = "machine netrcexample.org\nlogin example-username\npassword example-password\n";
    write(repo, "tests/fixtures/.netrc", fixture);
    write(repo, "docs/examples/.pgpass", "db.example:5432:app:app:example\n");
    write(repo, "src/test/resources/client.p12", binaryStore());
    write(repo, "config/.netrc", `machine api.example.net login deploy password ${password}\n`);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "fixtures and a real one");
    const report = await runSecretGate({ repo, revs: ["--branches", "--tags", "HEAD"], files: [] });
    const byName = report.findings.filter((f) => f.rule === "credential-file");
    expect(byName.map((f) => [f.path, f.severity])).toEqual([
      ["config/.netrc", "block"],
      ["docs/examples/.pgpass", "warn"],
      ["src/test/resources/client.p12", "warn"],
      ["tests/fixtures/.netrc", "warn"],
    ]);
  });
});
