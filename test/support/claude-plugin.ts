/**
 * Scenarios of the real Claude Code as the client of our plugin: the plugin installed the
 * documented way under a HOME of its own, and the scripted model's usual moves with a deferred
 * plugin tool (load it with ToolSearch, call it, present the result). New client scenarios (a
 * detached run followed with remote_status, ...) are a list of these steps.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { copyTrackedFiles, run } from "../plugin/support.js";
import { CLAUDE_BIN, cleanBaseEnv, offlineClaudeEnv } from "./claude-session.js";
import { lastMessageText, lastToolResults, type Step, startMockAnthropic } from "./mock-anthropic.js";

/** Claude Code's name for one of our plugin's tools. */
export const pluginTool = (name: string) => `mcp__plugin_amplihack_remote__${name}`;

/**
 * Installs this repository's tracked files as a plugin, the way the README says: the repository is
 * its own marketplace. Returns the copy (delete it with the test's other directories).
 */
export async function installPlugin(home: string, cwd: string): Promise<string> {
  mkdirSync(home, { recursive: true });
  const plugin = await copyTrackedFiles();
  const mock = await startMockAnthropic([]);
  try {
    const env = { ...cleanBaseEnv(), ...offlineClaudeEnv(mock, home) };
    for (const args of [
      ["plugin", "marketplace", "add", plugin],
      ["plugin", "install", "amplihack@amplihack-remote"],
    ]) {
      const r = await run(CLAUDE_BIN, args, { env, cwd });
      if (r.code !== 0) throw new Error(`claude ${args.join(" ")} failed: ${r.stdout}${r.stderr}`);
    }
  } finally {
    await mock.close();
  }
  return plugin;
}

/** A HOME under /home-like directories with a long user name, so plugin data paths are deep. */
export const longHome = (root: string) => join(root, "home", "alexandra-longname");

/** Loads one deferred plugin tool, calls it with `input`, then answers with its result. */
export function callToolSteps(trigger: (text: string) => boolean, tool: string, input: unknown): Step[] {
  const name = pluginTool(tool);
  return [
    {
      name: "load the tool",
      when: (r) => (r.tools ?? []).length > 0 && trigger(lastMessageText(r)),
      reply: [{ type: "tool_use", name: "ToolSearch", input: { query: `select:${name}`, max_results: 1 } }],
    },
    {
      name: `call ${tool}`,
      when: (r) =>
        lastToolResults(r).some((t) => t.name === "ToolSearch") &&
        (r.tools ?? []).some((t) => t.name === name),
      reply: [{ type: "tool_use", name, input }],
    },
    {
      name: "present",
      when: (r) => lastToolResults(r).some((t) => t.name === name),
      reply: (r) => [{ type: "text", text: `RESULT ${lastToolResults(r)[0].text}` }],
    },
  ];
}
