/**
 * Issue 12 item 9: the environment's problems are said as such. An unwritable state directory (or
 * an unwritable HOME with none set) is an environment error naming the directory and
 * AMPLIHACK_REMOTE_STATE_DIR, never "This is a bug"; TERM=dumb and NO_COLOR get no escape codes,
 * progress redraws included, on a real pseudo-terminal.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/util/errors.js";
import { CLI_ENTRY, runCli } from "../support/cli.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";

const TSX = import.meta.resolve("tsx");
const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

const isRoot = process.getuid?.() === 0;

/** `exec` on the local target as a shell line for script(1), which gives it a real terminal. */
const EXEC_ON_A_TERMINAL = [process.execPath, "--import", TSX, CLI_ENTRY, "exec", "--target", "local"]
  .concat(["--agent-command", RECORDING_AGENT, "auto", "hello"])
  .map((a) => `'${a}'`)
  .join(" ");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/** A directory this test's CLI cannot write: read-only for an ordinary user (root runs it as nobody). */
function readOnlyDir(): string {
  const dir = tempDir("ar-ro-");
  dirs.push(dir);
  chmodSync(dir, 0o555);
  return dir;
}

/** The CLI as `nobody` when we are root (root writes anywhere), as ourselves otherwise. */
function cliAsUser(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const node = [process.execPath, "--import", TSX, CLI_ENTRY, ...args];
  const argv = isRoot ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", ...node] : node;
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function repoForUser(): string {
  const repo = makeRepo();
  dirs.push(repo);
  if (isRoot) execFileSync("chown", ["-R", "nobody", repo]);
  return repo;
}

describe("environment errors", () => {
  it.skipIf(isRoot && !has("setpriv")).each(["state-dir", "home"] as const)(
    "an unwritable %s: exit 4, the directory and AMPLIHACK_REMOTE_STATE_DIR named, JSON too",
    (which) => {
      const repo = repoForUser();
      const ro = readOnlyDir();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ANTHROPIC_API_KEY: `sk-ant-api03-env${"Q".repeat(40)}`,
      };
      delete env.XDG_STATE_HOME;
      delete env.CLAUDE_PLUGIN_DATA;
      if (which === "state-dir") env.AMPLIHACK_REMOTE_STATE_DIR = join(ro, "state");
      else {
        delete env.AMPLIHACK_REMOTE_STATE_DIR;
        env.HOME = ro;
      }
      const r = cliAsUser(
        ["exec", "--json", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "hi"],
        repo,
        env,
      );
      expect(r.code).toBe(ExitCode.environment);
      const { error } = JSON.parse(r.stdout);
      expect(error.code).toBe("state-unwritable");
      expect(error.message).toContain(ro);
      expect(error.remedy).toContain("AMPLIHACK_REMOTE_STATE_DIR");
      expect(r.stderr).not.toMatch(/This is a bug|Unexpected error/);
    },
    300_000,
  );

  it("a state directory under a regular file is the same environment error", async () => {
    const repo = makeRepo();
    const parent = tempDir("ar-file-");
    dirs.push(repo, parent);
    writeFileSync(join(parent, "not-a-dir"), "x");
    const r = await runCli(["exec", "--target", "local", "--agent-command", RECORDING_AGENT, "auto", "hi"], {
      cwd: repo,
      env: { AMPLIHACK_REMOTE_STATE_DIR: join(parent, "not-a-dir", "state") },
    });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toContain(join(parent, "not-a-dir", "state"));
    expect(r.stderr).toContain("AMPLIHACK_REMOTE_STATE_DIR");
    expect(r.stderr).not.toMatch(/This is a bug/);
  }, 300_000);
});

describe("no escape codes on a dumb terminal or with NO_COLOR", () => {
  it.skipIf(!has("script")).each([
    ["TERM=dumb", { TERM: "dumb" }],
    ["NO_COLOR=1", { TERM: "xterm-256color", NO_COLOR: "1" }],
  ])(
    "%s on a pseudo-terminal: plain progress lines, no ESC byte",
    (_name, extra) => {
      const repo = makeRepo();
      const state = tempDir("ar-state-");
      dirs.push(repo, state);
      // script(1) gives the CLI a real terminal on stdout and stderr, as a user's shell would.
      const r = spawnSync("script", ["-qec", EXEC_ON_A_TERMINAL, "/dev/null"], {
        cwd: repo,
        env: { ...process.env, AMPLIHACK_REMOTE_STATE_DIR: state, AMPLIHACK_NO_TTY: "", ...extra },
        encoding: "utf8",
        timeout: 300_000,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/\[1\/9\] validate: /);
      expect(r.stdout).toContain("git merge remote-exec/main");
      expect(r.stdout).not.toContain("\x1b");
    },
    300_000,
  );

  it.skipIf(!has("script"))(
    "a capable terminal still gets the redrawn line (the test can fail)",
    () => {
      const repo = makeRepo();
      const state = tempDir("ar-state-");
      dirs.push(repo, state);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AMPLIHACK_REMOTE_STATE_DIR: state,
        TERM: "xterm-256color",
      };
      delete env.NO_COLOR;
      delete env.AMPLIHACK_NO_TTY;
      const r = spawnSync("script", ["-qec", EXEC_ON_A_TERMINAL, "/dev/null"], {
        cwd: repo,
        env,
        encoding: "utf8",
        timeout: 300_000,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("\r\x1b[2K");
    },
    300_000,
  );

  it.each([
    ["AMPLIHACK_REMOTE_POLL_SECONDS", "1s", ["exec"]],
    ["AMPLIHACK_REMOTE_STREAM_RESULTS_MAX_MB", "-1", ["exec"]],
    ["AMPLIHACK_REMOTE_TIMEOUT_SECONDS", "2.5", ["exec"]],
    ["AMPLIHACK_REMOTE_IDLE_MINUTES", "soon", ["cleanup", "--dry-run"]],
  ])("a malformed %s=%s is a usage error naming it, before anything runs", async (name, value, command) => {
    const repo = makeRepo();
    const state = tempDir("ar-knob-state-");
    dirs.push(repo, state);
    const args =
      command[0] === "exec" ? ["--target", "local", "--agent-command", RECORDING_AGENT, "auto", "hi"] : [];
    const r = await runCli([...command, "--json", ...args], {
      cwd: repo,
      env: {
        AMPLIHACK_REMOTE_STATE_DIR: state,
        ANTHROPIC_API_KEY: `sk-ant-api03-knob${"Q".repeat(40)}`,
        [name]: value,
      },
    });
    expect(r.code).toBe(ExitCode.usage);
    const { error } = JSON.parse(r.stdout);
    expect(error.message).toContain(`${name}=${value}`);
    expect(error.remedy).toMatch(/Set .* or unset it/);
    expect(execFileSync("git", ["branch", "--list", "remote-exec/*"], { cwd: repo, encoding: "utf8" })).toBe(
      "",
    );
  });
});
