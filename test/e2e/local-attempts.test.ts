/**
 * Best of N on the local target, through the real CLI and the MCP server, with real git and the
 * recording agent in its "ticket" mode (each attempt takes the next number, so the attempts
 * differ) and a --check that passes on odd numbers and fails on even ones: every attempt comes home
 * under its own ref, and the table says which passed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "../../src/state/store.js";
import { connect } from "../mcp/support.js";
import { runCli } from "../support/cli.js";
import { until } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

const CHECK = 'echo "checking $(cat attempt.txt)"; test $(( $(cat attempt.txt) % 2 )) -eq 1';

interface Row {
  attempt: number;
  runId: string;
  status: string;
  commits: number;
  filesChanged: number;
  linesAdded: number | null;
  linesRemoved: number | null;
  checkExitCode: number | null;
  refs: string[];
}

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  const tickets = tempDir("ar-tickets-");
  dirs.push(repo, state, tickets);
  const env = { AMPLIHACK_REMOTE_STATE_DIR: state, AMPLIHACK_REMOTE_POLL_SECONDS: "0.3" };
  const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
  return { repo, state, tickets, cli, store: new StateStore(join(state, "state.json")) };
}

/** Each row against the attempt's own result: its ticket decides its check's exit code. */
function expectRowsMatchResults(repo: string, rows: Row[], n: number) {
  expect(rows.map((r) => r.attempt)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(new Set(rows.map((r) => r.runId)).size).toBe(n);
  for (const row of rows) {
    expect(row.status).toBe("succeeded");
    expect(row.refs).toEqual([`remote-exec/${row.runId}/main`]);
    const ticket = Number(git(repo, "show", `${row.refs[0]}:attempt.txt`).trim());
    expect(row.checkExitCode).toBe(ticket % 2 === 1 ? 0 : 1);
    expect(row.commits).toBe(1);
    expect(row.filesChanged).toBe(5); // attempt.txt, notes.txt and the agent's three records
    expect(row.linesAdded).toBeGreaterThanOrEqual(5);
    expect(row.linesRemoved).toBe(0);
  }
  const tickets = rows.map((r) => Number(git(repo, "show", `${r.refs[0]}:attempt.txt`).trim()));
  expect(tickets.sort()).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

describe("exec --attempts N --check CMD (CLI, local target)", () => {
  it("runs the prompt N times from one package, brings each home under its own ref, and tables them", async () => {
    const s = setup();
    const r = await s.cli(
      "exec",
      "--target",
      "local",
      "--agent-command",
      RECORDING_AGENT,
      "--attempts",
      "3",
      "--check",
      CHECK,
      "--json",
      "auto",
      `ticket ${s.tickets}`,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      attempts: { group: string; done: boolean; rows: Row[] };
      summaries: unknown[];
    };
    expect(out.summaries).toHaveLength(3);
    expect(out.attempts.done).toBe(true);
    expectRowsMatchResults(s.repo, out.attempts.rows, 3);
    // One group in the records; the check's output is in each attempt's logs.
    const runs = Object.values((await s.store.read()).runs);
    expect(runs.map((x) => x.attemptGroup)).toEqual([
      out.attempts.group,
      out.attempts.group,
      out.attempts.group,
    ]);
    for (const row of out.attempts.rows) {
      const logs = join(s.repo, ".claude/runtime/logs/remote", row.runId);
      expect(readFileSync(join(logs, "check.log"), "utf8")).toMatch(/^checking \d\n$/);
    }
    // The text form: one line per attempt, pass and fail told apart.
    const group = out.attempts.group;
    const text = await s.cli("status", group);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Attempts of ${group}:`);
    expect(text.stdout).toMatch(/pass \(0\)/);
    expect(text.stdout).toMatch(/fail \(1\)/);
  });

  it("refuses --attempts out of 2-8 before anything starts", async () => {
    const s = setup();
    for (const n of ["1", "9"]) {
      const r = await s.cli("exec", "--target", "local", "--attempts", n, "auto", "x");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--attempts must be between 2 and 8");
    }
    expect((await s.store.read()).runs).toEqual({});
  });
});

describe("start --attempts N (CLI, detached)", () => {
  it("status of the group shows the table once every attempt is home", async () => {
    const s = setup();
    const r = await s.cli(
      "start",
      "--target",
      "local",
      "--agent-command",
      RECORDING_AGENT,
      "--attempts",
      "2",
      "--check",
      CHECK,
      "--json",
      `ticket ${s.tickets}`,
    );
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout).runs as { runId: string }[];
    expect(runs).toHaveLength(2);
    const group = runs[0].runId;
    let table: { rows: Row[] } | null = null;
    await until(async () => {
      const st = await s.cli("status", group, "--json", "--wait", "20");
      table = st.code === 0 ? JSON.parse(st.stdout).attempts : null;
      return table !== null;
    }, "the attempts table");
    expectRowsMatchResults(s.repo, (table as unknown as { rows: Row[] }).rows, 2);
  });
});

describe("remote_execute with attempts (MCP, local target)", () => {
  it("wait: true returns the table in structuredContent; detached, remote_status shows it once all are home", async () => {
    const mcp = await connect();
    const tickets = tempDir("ar-tickets-");
    dirs.push(tickets);
    try {
      const args = {
        command: "auto",
        prompt: `ticket ${tickets}`,
        target: "local",
        agentCommand: [RECORDING_AGENT],
        attempts: 2,
        check: CHECK,
      };
      const waited = await mcp.call("remote_execute", { ...args, wait: true });
      expect(waited.isError).toBeFalsy();
      const w = waited.structuredContent as { attempts: { rows: Row[] }; runIds: string[] };
      expect(w.runIds).toHaveLength(2);
      expectRowsMatchResults(mcp.repo, w.attempts.rows, 2);

      const started = await mcp.call("remote_execute", args);
      const d = started.structuredContent as { runId: string; runIds: string[] };
      expect(d.runIds).toHaveLength(2);
      let rows: Row[] = [];
      await until(async () => {
        const st = await mcp.call("remote_status", { runId: d.runId, waitSeconds: 20 });
        const view = (st.structuredContent as { attempts?: { rows: Row[] } | null }).attempts;
        rows = view?.rows ?? [];
        return rows.length === 2;
      }, "the attempts table from remote_status");
      // Tickets 3 and 4 this time: one passes, one fails.
      expect(rows.map((r) => r.checkExitCode).sort()).toEqual([0, 1]);
    } finally {
      await mcp.close();
    }
  });
});
