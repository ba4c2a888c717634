/**
 * dist/hook.js and dist/hook-core.js are committed like dist/server.js (hooks/hooks.json runs the
 * hook from the plugin folder, where nothing is built or installed), so they must be what the
 * sources build to. The front end answers "nothing new" without the core, and loads it for news.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { finishedRun, recordRuns } from "../support/finished-run.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";
import { ROOT, run } from "./support.js";

describe("dist/hook.js", () => {
  it("is tracked, and is what the sources build to (else: npm run build, then commit it)", async () => {
    const out = mkdtempSync(join(tmpdir(), "ar-build-hook-"));
    try {
      const built = await run("node", ["scripts/build.mjs", "--only", "hook", "--outdir", out], {
        cwd: ROOT,
      });
      expect(built.code, built.stderr).toBe(0);
      for (const file of ["hook.js", "hook-core.js"]) {
        const tracked = await run("git", ["ls-files", "--error-unmatch", `dist/${file}`], { cwd: ROOT });
        expect(tracked.stdout.trim()).toBe(`dist/${file}`);
        const same = readFileSync(join(out, file)).equals(readFileSync(join(ROOT, "dist", file)));
        expect(same, `dist/${file} is stale: run \`npm run build\` and commit dist/`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("says nothing without loading the core when nothing is new, and loads it for news", async () => {
    const plugin = mkdtempSync(join(tmpdir(), "ar-hook-plugin-"));
    const repo = makeRepo();
    const state = tempDir("ar-hook-state-");
    try {
      // The front end alone: without news it never needs the core (absent here).
      copyFileSync(join(ROOT, "dist/hook.js"), join(plugin, "hook.js"));
      const env = { ...process.env, AMPLIHACK_REMOTE_STATE_DIR: state };
      const hook = async (event: string) => {
        const r = await execa("node", [join(plugin, "hook.js"), event], {
          cwd: repo,
          env,
          input: JSON.stringify({ cwd: repo }),
          reject: false,
        });
        return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
      };
      const quiet = await hook("user-prompt-submit");
      expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([0, "", ""]);

      // News: the core is loaded from next to the front end, and tells it.
      copyFileSync(join(ROOT, "dist/hook-core.js"), join(plugin, "hook-core.js"));
      await recordRuns(state, finishedRun(repo, "r-news"));
      const news = await hook("session-start");
      expect(news.code, news.stderr).toBe(0);
      const context = JSON.parse(news.stdout).hookSpecificOutput;
      expect(context.hookEventName).toBe("SessionStart");
      expect(context.additionalContext).toContain("Run r-news");
      // An event it does not know goes to the core, which says so.
      const unknown = await hook("pre-tool-use");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown event");
    } finally {
      rmSync(plugin, { recursive: true, force: true });
      cleanup(repo, state);
    }
  });

  it("is what hooks/hooks.json runs, for both events", () => {
    const hooks = JSON.parse(readFileSync(join(ROOT, "hooks/hooks.json"), "utf8"));
    const commands = Object.entries(hooks.hooks).map(
      ([event, groups]) =>
        [event, (groups as { hooks: { command: string }[] }[])[0].hooks[0].command] as const,
    );
    const root = "$" + "{CLAUDE_PLUGIN_ROOT}"; // Claude Code expands it, not JavaScript
    expect(commands).toEqual([
      ["SessionStart", `node "${root}/dist/hook.js" session-start`],
      ["UserPromptSubmit", `node "${root}/dist/hook.js" user-prompt-submit`],
    ]);
  });
});
