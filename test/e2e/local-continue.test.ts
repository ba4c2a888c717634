/**
 * `continue RUN [PROMPT]` and remote_execute's continueFrom on the local target, through the real
 * CLI and the MCP server, with real git and the recording agent: the new run starts from the
 * earlier run's result branch, resumes its agent session when the earlier run's files were kept,
 * lands as a run of its own and shows the chain. And the runs it refuses to continue.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "../../src/state/store.js";
import { connect } from "../mcp/support.js";
import { runCli } from "../support/cli.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  // Where the agent's "Claude Code" keeps its conversations (the sandbox has the test's HOME).
  const claude = tempDir("ar-claude-");
  dirs.push(repo, state, claude);
  const env = {
    AMPLIHACK_REMOTE_STATE_DIR: state,
    AMPLIHACK_REMOTE_POLL_SECONDS: "0.3",
    CLAUDE_CONFIG_DIR: claude,
  };
  const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
  return { repo, state, env, cli, store: new StateStore(join(state, "state.json")) };
}

const AGENT = ["--target", "local", "--agent-command", RECORDING_AGENT];

async function firstRun(s: ReturnType<typeof setup>, ...extra: string[]): Promise<string> {
  const r = await s.cli("exec", ...AGENT, ...extra, "--json", "auto", "session one");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).runId as string;
}

const recordOf = (repo: string, ref: string) =>
  Object.fromEntries(
    git(repo, "show", `${ref}:.agent-record/env`)
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

describe("continue RUN (CLI, local target)", () => {
  it("on the kept sandbox: starts from RUN's result, resumes its session, lands as a run of its own with the chain", async () => {
    const s = setup();
    const parent = await firstRun(s, "--keep-vm");
    const r = await s.cli("continue", parent, "session two", ...AGENT, "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { chain: string[]; summary: { runId: string; status: string } };
    const child = out.summary.runId;
    expect(child).not.toBe(parent);
    expect(out.chain).toEqual([parent, child]);
    expect(out.summary.status).toBe("succeeded");

    // Started from the earlier result: its notes are there, with the new line on top.
    const ref = `refs/remotes/remote-exec/${child}/main`;
    expect(git(s.repo, "show", `${ref}:notes.txt`)).toBe("session one\nsession two\n");
    expect(git(s.repo, "rev-parse", `${ref}~1`).trim()).toBe(
      git(s.repo, "rev-parse", `refs/remotes/remote-exec/${parent}/main`).trim(),
    );
    // The agent was told what it continues, and found the earlier conversation in its directory.
    const seen = recordOf(s.repo, ref);
    expect(seen.continued_from).toBe(parent);
    expect(seen.session_kept).toBe("1");
    expect(seen.sessions).toContain(`{"run":"${parent}"}`);
    // The record keeps the parent; the text shows the chain.
    expect((await s.store.getRun(child))?.parentRunId).toBe(parent);
    const text = await s.cli("continue", child, "session three", ...AGENT);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Chain: ${parent} → ${child} → \\S+`, "m"));
  });

  it("when RUN's files are gone: starts afresh from its result commits, with no session to resume", async () => {
    const s = setup();
    const parent = await firstRun(s); // not kept: its sandbox directory is removed
    const r = await s.cli("continue", parent.slice(-4), "session two", ...AGENT, "--json");
    expect(r.code, r.stderr).toBe(0);
    const child = JSON.parse(r.stdout).summary.runId as string;
    const ref = `refs/remotes/remote-exec/${child}/main`;
    expect(git(s.repo, "show", `${ref}:notes.txt`)).toBe("session one\nsession two\n");
    const seen = recordOf(s.repo, ref);
    expect(seen.continued_from).toBe(parent);
    expect(seen.session_kept).toBe("0");
    expect(seen.sessions).toBe("");
  });

  it("refuses an unknown run and a run whose results were deleted, saying what to do", async () => {
    const s = setup();
    const unknown = await s.cli("continue", "no-such-run", ...AGENT);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("No run no-such-run is known here");
    expect(unknown.stderr).toContain("amplihack-remote status");

    const parent = await firstRun(s);
    git(s.repo, "update-ref", "-d", `refs/remotes/remote-exec/${parent}/main`);
    const gone = await s.cli("continue", parent, ...AGENT, "--json");
    expect(gone.code).not.toBe(0);
    const error = JSON.parse(gone.stdout).error as { message: string; remedy: string };
    expect(error.message).toContain(`The results of run ${parent} are no longer in`);
    expect(error.remedy).toContain("amplihack-remote exec");
    // Refused before anything was recorded or started.
    expect(Object.keys((await s.store.read()).runs)).toEqual([parent]);
  });
});

describe("remote_execute with continueFrom (MCP, local target)", () => {
  it("continues a run inside the call and returns the chain", async () => {
    const claude = tempDir("ar-claude-");
    dirs.push(claude);
    process.env.CLAUDE_CONFIG_DIR = claude; // the sandbox's agent inherits the server's environment
    const mcp = await connect();
    try {
      const args = { command: "auto", target: "local", agentCommand: [RECORDING_AGENT], wait: true };
      const first = await mcp.call("remote_execute", { ...args, prompt: "session one", keepVm: true });
      const parent = (first.structuredContent as { runId: string }).runId;
      const second = await mcp.call("remote_execute", {
        ...args,
        prompt: "session two",
        continueFrom: parent,
      });
      expect(second.isError).toBeFalsy();
      const out = second.structuredContent as { runId: string; chain: string[]; summary: { status: string } };
      expect(out.chain).toEqual([parent, out.runId]);
      expect(out.summary.status).toBe("succeeded");
      const ref = `refs/remotes/remote-exec/${out.runId}/main`;
      expect(git(mcp.repo, "show", `${ref}:notes.txt`)).toBe("session one\nsession two\n");
      expect(recordOf(mcp.repo, ref).session_kept).toBe("1");
    } finally {
      delete process.env.CLAUDE_CONFIG_DIR;
      await mcp.close();
    }
  });
});
