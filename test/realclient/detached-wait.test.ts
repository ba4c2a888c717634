/**
 * The real Claude Code follows a detached run the way commands/remote.md says: /amplihack:remote
 * starts it (remote_execute returns while `azlin new` is still creating the VM), then the model
 * calls remote_status with waitSeconds again and again, each call returning when the run moves on,
 * and presents the summary from what it is given: the structured result, which must carry it all.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientBinary } from "../plugin/support.js";
import { installPlugin, longHome, pluginTool as TOOL } from "../support/claude-plugin.js";
import { runClaude } from "../support/claude-session.js";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import {
  lastMessageText,
  lastToolResults,
  type MockAnthropic,
  type Step,
  startMockAnthropic,
} from "../support/mock-anthropic.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";
import { TEST_TIMEOUT_MS } from "../support/waits.js";

const claude = clientBinary("claude", "the real-client scenarios need it");
const AGENT = resolve("test/fixtures/agents/recording-agent.sh");

interface StatusJson {
  runs: { runId: string; status: string; phase: string | null; summary: Record<string, unknown> | null }[];
}
const statusOf = (text: string) => JSON.parse(text) as StatusJson;
const lastResult = (r: Parameters<Step["when"]>[0], tool: string) =>
  lastToolResults(r).find((t) => t.name === TOOL(tool));

/** The model's moves: load remote_execute, start, load remote_status, then wait until the run is over. */
function followSteps(): Step[] {
  const execute = TOOL("remote_execute");
  const status = TOOL("remote_status");
  let runId = "";
  const waitAgain = (i: number): Step => ({
    name: `wait ${i}`,
    when: (r) => {
      if (!runId || !(r.tools ?? []).some((t) => t.name === status)) return false;
      if (lastToolResults(r).some((t) => t.name === "ToolSearch")) return true;
      const last = lastResult(r, "remote_status");
      return Boolean(
        last && !last.isError && ["pending", "running"].includes(statusOf(last.text).runs[0]?.status),
      );
    },
    reply: () => [{ type: "tool_use", name: status, input: { runId, waitSeconds: 110 } }],
  });
  return [
    {
      name: "load remote_execute",
      when: (r) =>
        (r.tools ?? []).length > 0 && lastMessageText(r).includes("/amplihack:remote</command-name>"),
      reply: [
        { type: "tool_use", name: "ToolSearch", input: { query: `select:${execute}`, max_results: 1 } },
      ],
    },
    {
      name: "start",
      when: (r) =>
        lastToolResults(r).some((t) => t.name === "ToolSearch") &&
        (r.tools ?? []).some((t) => t.name === execute),
      reply: [
        {
          type: "tool_use",
          name: execute,
          input: { command: "auto", prompt: "implement it", target: "azlin", agentCommand: [AGENT] },
        },
      ],
    },
    {
      name: "load remote_status",
      when: (r) => Boolean(lastResult(r, "remote_execute") && !lastResult(r, "remote_execute")!.isError),
      reply: (r) => {
        runId = (JSON.parse(lastResult(r, "remote_execute")!.text) as { runId: string }).runId;
        return [
          { type: "tool_use", name: "ToolSearch", input: { query: `select:${status}`, max_results: 1 } },
        ];
      },
    },
    ...Array.from({ length: 25 }, (_, i) => waitAgain(i + 1)),
    {
      name: "present",
      when: (r) => {
        const last = lastResult(r, "remote_status");
        return Boolean(last && statusOf(last.text).runs[0]?.summary);
      },
      reply: (r) => [{ type: "text", text: `SUMMARY ${lastResult(r, "remote_status")!.text}` }],
    },
  ];
}

describe.skipIf(!claude)("a detached run followed by the real Claude Code", { timeout: 600_000 }, () => {
  const dirs: string[] = [];
  let home: string;
  let mock: MockAnthropic | undefined;
  let fake: FakeAzlin | undefined;

  beforeAll(async () => {
    const root = tempDir("ar-client-wait-");
    dirs.push(root);
    home = longHome(root);
    dirs.push(await installPlugin(home, root));
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await mock?.close();
    await fake?.cleanup();
    cleanup(...dirs.splice(0));
  });

  it("/amplihack:remote: started while the VM is created, waited on with remote_status(waitSeconds), summary from structuredContent", async () => {
    const repo = makeRepo();
    dirs.push(repo);
    fake = await createFakeAzlin();
    fake.setFaults("new:slow:300");
    mock = await startMockAnthropic(followSteps());
    // Once the model has seen the run acquiring (azlin new still running), the VM "comes up".
    const lift = setInterval(() => {
      const sawAcquiring = mock!.requests.some((q) =>
        q.body
          ? lastToolResults(q.body).some(
              (t) => t.name === TOOL("remote_status") && t.text.includes('"acquiring"'),
            )
          : false,
      );
      if (sawAcquiring) {
        fake!.setFaults("");
        clearInterval(lift);
      }
    }, 200);
    const s = await runClaude({
      mock,
      home,
      cwd: repo,
      prompt: `/amplihack:remote --target azlin --agent-command ${AGENT} auto "implement it"`,
      env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
      timeoutMs: 540_000,
    }).finally(() => clearInterval(lift));

    expect(s.code, s.stderr).toBe(0);
    expect(s.result?.permission_denials).toEqual([]);
    const names = s.toolCalls.map((c) => c.name);
    expect(names.slice(0, 4)).toEqual([
      "ToolSearch",
      TOOL("remote_execute"),
      "ToolSearch",
      TOOL("remote_status"),
    ]);
    // The start came back while the VM was still being created.
    const started = JSON.parse(s.toolResults[1]) as { runId: string; status: string; phase: string };
    expect(started).toMatchObject({ status: "pending", phase: "queued" });
    // What the model was given for each wait is the structured JSON; the last one holds the summary.
    const waits = s.toolResults.slice(3).map(statusOf);
    expect(waits.some((w) => w.runs[0].phase === "acquiring")).toBe(true);
    const final = waits.at(-1)!.runs[0];
    expect(final.status).toBe("succeeded");
    expect(final.summary).toMatchObject({
      status: "succeeded",
      next: ["git merge remote-exec/main"],
      release: { deleted: true },
      branches: [expect.objectContaining({ branch: "main", status: "updated" })],
    });
    expect(
      s.toolCalls
        .filter((c) => c.name === TOOL("remote_status"))
        .every((c) => (c.input as { waitSeconds: number }).waitSeconds === 110),
    ).toBe(true);
    expect(mock.unusedSteps()).toContain("wait 25"); // the waits returned on changes, not by the dozen
    expect(mock.unusedSteps()).not.toContain("present");
    expect(git(repo, "log", "-1", "--format=%s", "remote-exec/main").trim()).toBe("agent commit");
  });
});
