/**
 * The CLI's progress lines: plain lines when piped (each distinct line once), one line redrawn in
 * place on a terminal, nothing in --json mode; each line numbered by its own stage.
 */
import { describe, expect, it } from "vitest";
import { progressRenderer } from "../../src/cli/render-progress.js";
import { createProgress } from "../../src/core/progress.js";

function rendered(stream: { isTTY?: boolean; columns?: number }, json = false, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const { listener, done } = progressRenderer({ json, stream, write: (t) => out.push(t), env });
  const progress = createProgress(listener);
  return { out, progress, done };
}

describe("progress on the CLI", () => {
  it("numbers each line by its own stage, also when stages overlap (the import ends after the release began)", () => {
    const { out, progress } = rendered({ isTTY: false });
    progress.report("integrate", "checking the new commits and importing them");
    progress.report("release", "releasing the machine");
    progress.report("integrate", "1 branch(es) into remote-exec/");
    expect(out).toEqual([
      "[8/9] integrate: checking the new commits and importing them\n",
      "[9/9] release: releasing the machine\n",
      "[8/9] integrate: 1 branch(es) into remote-exec/\n",
    ]);
  });

  it("writes a repeated line once when piped", () => {
    const { out, progress } = rendered({ isTTY: false });
    progress.report("execute", "running 5s");
    progress.report("execute", "running 5s");
    expect(out).toEqual(["[6/9] execute: running 5s\n"]);
  });

  it("redraws one line on a terminal, cut to its width, and clears it at the end", () => {
    const { out, progress, done } = rendered({ isTTY: true, columns: 20 });
    progress.report("validate", "checking the repository, credentials and target");
    done();
    expect(out).toEqual(["\r\x1b[2K[1/9] validate: che", "\r\x1b[2K"]);
  });

  it("writes plain lines on a terminal under NO_COLOR, and nothing in --json mode", () => {
    const plain = rendered({ isTTY: true }, false, { NO_COLOR: "1" });
    plain.progress.report("package", "packaging");
    expect(plain.out).toEqual(["[2/9] package: packaging\n"]);
    const json = rendered({ isTTY: true }, true);
    json.progress.report("package", "packaging");
    expect(json.out).toEqual([]);
  });
});
