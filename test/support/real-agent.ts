/**
 * The real Claude Code as the agent on a fake azlin VM: the amplihack stand-in on the VM's PATH,
 * the offline settings it runs with, and the scripted model's steps for one piece of work.
 * Shared by the agent-on-VM scenarios and the continue scenario.
 */
import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { CLAUDE_BIN } from "./claude-session.js";
import {
  lastMessageText,
  lastToolResults,
  type MessagesRequest,
  requestText,
  type Step,
} from "./mock-anthropic.js";

/** The `amplihack` stand-in that follows amplihack-rs's launcher. */
export const AMPLIHACK_BIN = resolve("test/fixtures/agents/amplihack-bin");

/** Offline and quiet, the way the harness runs Claude Code; forwarded by name like any setting. */
export const OFFLINE = {
  DISABLE_AUTOUPDATER: "1",
  DISABLE_TELEMETRY: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
};

/** The environment and the VM of a run whose agent talks to the scripted model at `mock`. */
export function realAgentSetup(mock: { apiKey: string; url: string }) {
  return {
    env: { ANTHROPIC_API_KEY: mock.apiKey, ANTHROPIC_BASE_URL: mock.url, ...OFFLINE },
    vm: { vmPath: [AMPLIHACK_BIN], claude: realpathSync(CLAUDE_BIN) },
  };
}

/**
 * The directory the agent is told to work in: amplihack's staging note, else Claude Code's cwd
 * (the last one named: a resumed conversation names the old one first).
 */
export function workDir(r: MessagesRequest): string {
  const text = requestText(r);
  const staged = text.match(/Change your working directory to (\/\S+?)\. /);
  if (staged) return staged[1];
  const all = [...text.matchAll(/Primary working directory: (\/\S+)/g)];
  if (all.length === 0) throw new Error("the request names no working directory");
  return all[all.length - 1][1];
}

/** A request with tools whose last message includes `needle`: a turn the agent asks of the model. */
export const says = (needle: string) => (r: MessagesRequest) =>
  (r.tools ?? []).length > 0 && lastMessageText(r).includes(needle);

/** Write a file, commit it with Bash, say so: the three model calls of one piece of work. */
export function commitSteps(when: (r: MessagesRequest) => boolean, file: string, subject: string): Step[] {
  return [
    {
      name: `write ${file}`,
      when,
      reply: (r) => [
        {
          type: "tool_use",
          name: "Write",
          input: { file_path: join(workDir(r), file), content: `${subject}\n` },
        },
      ],
    },
    {
      name: `commit ${file}`,
      when: (r) => lastToolResults(r).some((t) => t.name === "Write" && !t.isError),
      reply: (r) => [
        {
          type: "tool_use",
          name: "Bash",
          input: {
            command: `cd ${workDir(r)} && git add ${file} && git commit -q -m "${subject}"`,
            description: "commit",
          },
        },
      ],
    },
    {
      name: `report ${file}`,
      when: (r) => lastToolResults(r).some((t) => t.name === "Bash"),
      reply: [{ type: "text", text: `Committed ${file}.` }],
    },
  ];
}
