/**
 * The real Claude Code as the user's client of our plugin, installed the documented way
 * (`claude plugin marketplace add` + `claude plugin install`) under a realistic HOME whose user
 * name is long, so the plugin's data directory (where our state and the local sandbox live) is
 * deep. The scripted model does what Claude does: loads the deferred tool with ToolSearch, calls
 * it, presents the result. Everything else is real: Claude Code, our MCP server from dist/, git,
 * tmux and the local target.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientBinary } from "../plugin/support.js";
import { callToolSteps, installPlugin, longHome, pluginTool as TOOL } from "../support/claude-plugin.js";
import { runClaude } from "../support/claude-session.js";
import {
  type LoggedRequest,
  type MockAnthropic,
  requestText,
  startMockAnthropic,
} from "../support/mock-anthropic.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const claude = clientBinary("claude", "the real-client scenarios need it");
const AGENT = resolve("test/fixtures/agents/recording-agent.sh");

const mainRequests = (mock: MockAnthropic): LoggedRequest[] => mock.requests.filter((r) => r.step !== null);

// Whole Claude Code sessions and a run each: minutes on a busy machine, not a hang.
describe.skipIf(!claude)("the installed plugin, driven by the real Claude Code", () => {
  const dirs: string[] = [];
  let home: string;
  let mock: MockAnthropic | undefined;

  beforeAll(async () => {
    const root = tempDir("ar-client-");
    dirs.push(root);
    home = longHome(root); // a 12+ character user name
    dirs.push(await installPlugin(home, root));
  }); // two real Claude Code commands: the suite-wide bound applies
  afterAll(async () => {
    await mock?.close();
    cleanup(...dirs.splice(0));
  });

  it("/amplihack:remote on the local target: ToolSearch, remote_execute with wait, the commit lands in remote-exec/", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    mock = await startMockAnthropic(
      callToolSteps((t) => t.includes("<command-name>/amplihack:remote</command-name>"), "remote_execute", {
        command: "auto",
        prompt: "implement it",
        target: "local",
        agentCommand: [AGENT],
        wait: true,
      }),
    );
    const s = await runClaude({
      mock,
      home,
      cwd: repo,
      prompt: `/amplihack:remote --target local --agent-command ${AGENT} --wait auto "implement it"`,
    });

    expect(s.code, s.stderr).toBe(0);
    expect(mock.unusedSteps()).toEqual([]);
    expect(s.toolCalls.map((c) => c.name)).toEqual(["ToolSearch", TOOL("remote_execute")]);
    expect(s.result?.permission_denials).toEqual([]);
    const result = JSON.parse(s.toolResults[1]) as { status: string; runId: string };
    expect(result.status).toBe("succeeded");
    // The agent's commit is home, under the run's refs and the latest-run ref.
    expect(git(repo, "log", "-1", "--format=%s", "remote-exec/main").trim()).toBe("agent commit");
    // The run lived under the plugin's data directory, deeper than a socket path may be long.
    const data = join(home, ".claude", "plugins", "data");
    const record = readFileSync(
      join(repo, ".claude", "runtime", "logs", "remote", result.runId, "runner.log"),
      "utf8",
    );
    expect(record).toContain("phase running");
    const area = join(data, "amplihack-amplihack-remote", "state", "local-target", ".amplihack-remote");
    expect(existsSync(area)).toBe(true); // so the server ran with CLAUDE_PLUGIN_DATA set
    expect(Buffer.byteLength(join(area, "tmux.sock"))).toBeGreaterThan(107);
    // The nested agent saw none of the Claude Code session's variables.
    const env = git(repo, "show", "remote-exec/main:.agent-record/env");
    const inherited = (env.match(/^claude_vars=(.*)$/m)?.[1] ?? "").split(" ").filter(Boolean);
    expect(
      inherited.filter((v) =>
        /^(CLAUDECODE|CLAUDE_CODE_(SESSION_ID|ENTRYPOINT|MESSAGING_.*|SSE_PORT|EXECPATH)|CLAUDE_PLUGIN_.*|CLAUDE_PROJECT_DIR)$/.test(
          v,
        ),
      ),
    ).toEqual([]);
    // The command file does not switch on extended thinking: no message carries the keyword (the
    // tool's schema still offers the COMMAND, and Claude Code does not scan schemas for it).
    for (const r of mainRequests(mock))
      expect(/ultrathink/i.test(JSON.stringify(r.body?.messages))).toBe(false);
    expect(JSON.stringify(mainRequests(mock).at(-1)?.body?.tools).includes('"ultrathink"')).toBe(true);
    expect(requestText(mainRequests(mock)[0].body!)).toContain("/amplihack:remote");
  });

  it("Claude picks a read-only tool by itself when --allowedTools grants it, and is refused without", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    const ask = "is this repository safe to ship?";
    const steps = () => callToolSteps((t) => t.includes(ask), "scan_secrets", {});

    mock = await startMockAnthropic(steps());
    const granted = await runClaude({
      mock,
      home,
      cwd: repo,
      prompt: ask,
      args: ["--allowedTools", TOOL("scan_secrets")],
    });
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.toolCalls.map((c) => c.name)).toEqual(["ToolSearch", TOOL("scan_secrets")]);
    expect(JSON.parse(granted.toolResults[1])).toMatchObject({ blocked: false });
    await mock.close();

    mock = await startMockAnthropic(steps());
    const refused = await runClaude({ mock, home, cwd: repo, prompt: ask });
    expect(refused.result?.permission_denials).toEqual([
      expect.objectContaining({ tool_name: TOOL("scan_secrets") }),
    ]);
  });
});
