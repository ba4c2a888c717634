/**
 * start.sh detaches a run under tmux wherever the run's area lives: the tmux socket sits in a
 * short directory of the user's own, so a deep state directory (an installed plugin's data under
 * a long HOME) cannot push it past the 107-byte limit of a Unix socket path. When that directory
 * cannot be trusted, the run still starts, under setsid, and the run's log says why.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { getPriority } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { remoteScriptsDir } from "../../src/remote/protocol.js";
import { parseStartMany, startManyScript } from "../../src/remote/start-many.js";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
const savedTmux = process.env.TMUX_TMPDIR;
afterEach(() => {
  cleanup(...dirs.splice(0));
  if (savedTmux === undefined) delete process.env.TMUX_TMPDIR;
  else process.env.TMUX_TMPDIR = savedTmux;
});

/** A state directory as deep as an installed plugin's under /home/<a long user name>. */
function deepState(): string {
  const root = tempDir("ar-deep-");
  dirs.push(root);
  const state = join(
    root,
    "home",
    "a-long-user-name",
    ".claude",
    "plugins",
    "data",
    "amplihack-amplihack-remote",
    "state",
  );
  mkdirSync(state, { recursive: true });
  return state;
}

/** The run's directory in the local sandbox, found by its run id. */
const runFiles = (state: string, runId: string) =>
  join(state, "local-target", ".amplihack-remote", "runs", runId);

describe("start.sh", () => {
  it("runs under tmux when the state lives deeper than a socket path may be long", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    const state = deepState();
    const socketThere = join(state, "local-target", ".amplihack-remote", "tmux.sock");
    expect(Buffer.byteLength(socketThere)).toBeGreaterThan(107);
    process.env.TMUX_TMPDIR = tempDir("ar-tmux-");
    dirs.push(process.env.TMUX_TMPDIR);

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("deep", { keepVm: true }));

    expect(summary.status, JSON.stringify(summary.warnings)).toBe("succeeded");
    const files = runFiles(state, summary.runId);
    expect(readFileSync(join(files, "holder"), "utf8").trim()).toBe("tmux");
    const socket = readFileSync(join(files, "tmux_socket"), "utf8").trim();
    expect(socket.startsWith(join(process.env.TMUX_TMPDIR, `amplihack-remote-${process.getuid?.()}`))).toBe(
      true,
    );
    expect(Buffer.byteLength(socket)).toBeLessThan(104);
  });

  it("falls back to setsid, and says why, when the short directory is not the user's own", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    const state = deepState();
    const tmuxDir = tempDir("ar-tmux-");
    dirs.push(tmuxDir);
    // A link planted where our directory would be: the socket must not follow it.
    const elsewhere = tempDir("ar-elsewhere-");
    dirs.push(elsewhere);
    symlinkSync(elsewhere, join(tmuxDir, `amplihack-remote-${process.getuid?.()}`));
    process.env.TMUX_TMPDIR = tmuxDir;

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("planted", { keepVm: true }));

    expect(summary.status).toBe("succeeded");
    const files = runFiles(state, summary.runId);
    expect(readFileSync(join(files, "holder"), "utf8").trim()).toBe("setsid");
    expect(existsSync(join(files, "tmux_socket"))).toBe(false);
    expect(readFileSync(join(files, "runner.log"), "utf8")).toMatch(
      /not using tmux: .* is not a directory owned by uid/,
    );
  });

  it("runs the runner (once it has read its credentials) and its agent at a lower priority than the starts", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    const state = tempDir("ar-nice-");
    dirs.push(state);

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("niced"));

    expect(summary.status).toBe("succeeded");
    const env = git(repo, "show", "remote-exec/main:.agent-record/env");
    // renice -n sets the value (util-linux 2.38) or adds to it (POSIX): at least 10 either way.
    expect(Number(/^nice=(\d+)$/m.exec(env)?.[1])).toBeGreaterThanOrEqual(Math.min(19, getPriority() + 10));
    // Under autogroup scheduling a nice value counts only inside the session's group, and the runner
    // leads its own session: the group itself must be niced too, or the runner still takes its share.
    const autogroup = /^autogroup=(.*)$/m.exec(env)?.[1] ?? "";
    if (autogroup !== "") expect(autogroup).toMatch(/ nice 19$/);
  });
});

describe("start.sh on its own", () => {
  it("reports a runner that died before reading its credentials, within the bound, instead of hanging", async () => {
    const area = tempDir("ar-area-");
    dirs.push(area);
    const run = join(area, "runs", "20261202-000000-dead");
    mkdirSync(join(run, "remote"), { recursive: true });
    copyFileSync(join(remoteScriptsDir(), "start.sh"), join(run, "remote", "start.sh"));
    // A runner that dies at birth, before it opens the credentials FIFO.
    writeFileSync(join(run, "remote", "runner.sh"), "exit 3\n");
    writeFileSync(join(run, "params.sh"), "");
    process.env.TMUX_TMPDIR = area;

    const r = await execa("bash", ["remote/start.sh"], {
      cwd: run,
      input: "AR-RUN-FILES 20261202-000000-dead AA==\nTOKEN=t\n",
      env: { AR_START_WAIT_SECONDS: "1", TMUX_TMPDIR: area },
      reject: false,
      // Far above the 1-s bound even on a loaded machine; the old start blocked in open(2) for ever.
      timeout: 120_000,
    });

    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(21);
    expect(r.stderr).toMatch(/the runner did not start \(no reader on the credentials FIFO within 1 s/);
    expect(existsSync(join(run, "secrets.fifo"))).toBe(false);
  });
});

describe("start.sh for the runs of a batch, side by side in one area", () => {
  it("starts every run without a word on stderr, all naming one tmux key that the area keeps", async () => {
    const area = tempDir("ar-area-");
    dirs.push(area);
    process.env.TMUX_TMPDIR = area;
    const ids = [
      "20261203-000000-aaaa",
      "20261203-000000-bbbb",
      "20261203-000000-cccc",
      "20261203-000000-dddd",
    ];
    for (const id of ids) {
      const run = join(area, "runs", id);
      mkdirSync(join(run, "remote"), { recursive: true });
      copyFileSync(join(remoteScriptsDir(), "start.sh"), join(run, "remote", "start.sh"));
      // A runner that reads its credentials and ends.
      writeFileSync(
        join(run, "remote", "runner.sh"),
        'cd "$1" && exec 3<secrets.fifo && cat <&3 > /dev/null\n',
      );
      writeFileSync(join(run, "params.sh"), "");
    }
    const { script, input } = startManyScript(
      ids.map((id) => ({
        runId: id,
        script: `cd ${join(area, "runs", id)} && . remote/start.sh`,
        input: `AR-RUN-FILES ${id} AA==\nTOKEN=t\n`,
      })),
    );
    try {
      const r = await execa("bash", ["-c", script], { input, env: { TMUX_TMPDIR: area }, timeout: 120_000 });
      const answers = parseStartMany(r.stdout);
      expect([...answers.keys()].sort()).toEqual(ids);
      // The old key file was made by every start at once, through a temporary file they shared:
      // all but one start's `mv` failed and said so on stderr, noise in any start failure's report.
      for (const id of ids) expect(answers.get(id)).toEqual({ exitCode: 0, stderr: "" });
      const key = readFileSync(join(area, "tmux-key"), "utf8");
      expect(key).toMatch(/^[0-9a-f]{12}\n$/);
      const sockets = ids.map((id) => readFileSync(join(area, "runs", id, "tmux_socket"), "utf8").trim());
      // Each run keeps its own socket's path; the area's key names at least the first run's server.
      expect(sockets).toContain(join(area, `amplihack-remote-${process.getuid?.()}`, `${key.trim()}.sock`));
      // A later start reads the key the area keeps.
      expect(readFileSync(join(area, "tmux-key"), "utf8")).toBe(key);
    } finally {
      for (const s of new Set(
        ids
          .map((id) => join(area, "runs", id, "tmux_socket"))
          .filter(existsSync)
          .map((f) => readFileSync(f, "utf8").trim()),
      ))
        await execa("tmux", ["-S", s, "kill-server"], { reject: false });
    }
  });
});
