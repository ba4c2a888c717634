/**
 * dist/hook.js is committed like dist/server.js (hooks/hooks.json runs it from the plugin folder,
 * where nothing is built or installed), so it must be what the sources build to.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, run } from "./support.js";

describe("dist/hook.js", () => {
  it("is tracked, and is what the sources build to (else: npm run build, then commit it)", async () => {
    const tracked = await run("git", ["ls-files", "--error-unmatch", "dist/hook.js"], { cwd: ROOT });
    expect(tracked.stdout.trim()).toBe("dist/hook.js");
    const out = mkdtempSync(join(tmpdir(), "ar-build-hook-"));
    try {
      const built = await run("node", ["scripts/build.mjs", "--only", "hook", "--outdir", out], {
        cwd: ROOT,
      });
      expect(built.code, built.stderr).toBe(0);
      const same = readFileSync(join(out, "hook.js")).equals(readFileSync(join(ROOT, "dist/hook.js")));
      expect(same, "dist/hook.js is stale: run `npm run build` and commit dist/hook.js").toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
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
