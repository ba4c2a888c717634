/**
 * exec's start connection goes on as the run's watcher (start-then-follow.ts): the start settles
 * when the machine says the run started, the rest of the stream waits for the follower, and a
 * start that fails is a start failure. Run with real bash (the local machine) and, for the follow,
 * the real watcher script in a run directory.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StartThenFollow } from "../../../src/core/workflow/start-then-follow.js";
import { watchRun } from "../../../src/core/workflow/watch-run.js";
import { remoteScriptsDir, runDir, STARTED_RECORD } from "../../../src/remote/protocol.js";
import { LocalMachine } from "../../../src/targets/local/local-target.js";
import { processAlive, until } from "../../support/fault-support.js";
import { cleanup, tempDir } from "../../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function machine(): LocalMachine {
  const home = tempDir("ar-start-follow-");
  dirs.push(home);
  return new LocalMachine(home);
}
const how = { input: "TOKEN=s3cret\n", timeoutMs: 60_000 };
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("a start that goes on following", () => {
  it("settles once the run has started; the follower gets every later line, once, in order, and only those", async () => {
    const m = machine();
    const gate = join(m.home, "gate");
    const follow = new StartThenFollow({});
    // The credential arrives on stdin, as for an exec; the start's own talk is no record.
    const script = `read -r cred; echo "talk of the start"; echo '${STARTED_RECORD}'; echo "one \${cred%%=*}"; while [ ! -e gate ]; do sleep 0.05; done; echo two`;
    const started = await follow.start(m, "r1", script, how);
    expect(started.exitCode).toBe(0);
    const opened = follow.take();
    expect(opened).not.toBeNull();
    expect(follow.take()).toBeNull();
    const lines: string[] = [];
    const ended = opened!.adopt((l) => {
      lines.push(l);
      if (l.startsWith("one")) writeFileSync(gate, "");
    }, new AbortController().signal);
    expect((await ended).exitCode).toBe(0);
    expect(lines).toEqual(["one TOKEN", "two"]);
  });

  it("reports a failed start with its exit code and stderr, and one that never says it started as failed", async () => {
    const m = machine();
    const failed = await new StartThenFollow({}).start(m, "r1", "echo 'checksum mismatch' >&2; exit 20", how);
    expect(failed).toMatchObject({ exitCode: 20, stderr: "checksum mismatch\n" });
    const silent = new StartThenFollow({});
    const quiet = await silent.start(m, "r1", "echo 'P running'", how);
    expect(quiet.exitCode).not.toBe(0);
    expect(quiet.stderr).toContain("without starting the run");
    expect(silent.take()).toBeNull();
  });

  it("ends a stream nobody adopts when closed (the start failed after it, or the follow never began)", async () => {
    const m = machine();
    const follow = new StartThenFollow({});
    await follow.start(m, "r1", `echo '${STARTED_RECORD}'; echo $$ > pid; exec sleep 60`, how);
    // The whole line, not only the file: the shell creates it before the echo writes to it, and
    // an empty read would be pid 0, which kill(0, 0) finds "alive" for ever (our own group).
    const pidFile = join(m.home, "pid");
    await until(
      () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"),
      "the stream's script to write its pid",
    );
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(1);
    follow.close();
    expect(follow.take()).toBeNull();
    await until(() => !processAlive(pid), "the stream's script to end");
  });

  it("is the follow's first connection; a drop after it resumes at the last byte, no line lost or repeated", async () => {
    const m = machine();
    const runId = "20261202-000000-aaaa";
    const dir = join(m.home, runDir(runId));
    mkdirSync(join(dir, "remote"), { recursive: true });
    for (const s of ["watch.sh", "status.sh"])
      copyFileSync(join(remoteScriptsDir(), s), join(dir, "remote", s));
    writeFileSync(join(dir, "agent.log"), "alpha\nbravo\ncharlie\n");
    writeFileSync(join(dir, "phase"), "done\n");
    writeFileSync(join(dir, "exit_code"), "0\n");
    const follow = new StartThenFollow({ fromByte: 0 });
    // The start's stream sends the log's first line and a half, then its link dies (ssh's 255).
    const script = `echo '${STARTED_RECORD}'; echo 'P running'; echo 'L 0 ${b64("alpha\nbra")}'; exit 255`;
    expect((await follow.start(m, "r1", script, how)).exitCode).toBe(0);
    const lines: string[] = [];
    const reconnects: string[] = [];
    const outcome = await watchRun(
      m,
      runId,
      { onLogLine: (l) => lines.push(l), onReconnect: (_n, why) => reconnects.push(why) },
      { fromByte: 0, opened: follow.take(), backoffMs: [10] },
    );
    expect(outcome).toMatchObject({ kind: "done", connections: 2 });
    expect(reconnects).toHaveLength(1);
    expect(lines).toEqual(["alpha", "bravo", "charlie"]);
  });
});
