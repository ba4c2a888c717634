/**
 * Several runs' starts in one connection (src/remote/start-many.ts), run by real shells: each
 * start gets exactly its own stdin, also when an earlier start stops without reading its own;
 * each one's exit code and stderr come back under its run id; the starts run side by side.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseStartMany, startManyScript } from "../../src/remote/start-many.js";
import { cleanup, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe.each(["sh", "bash"])("starts of several runs in one connection (%s)", (shell) => {
  it("hands each start its own input and reports each one's exit code and stderr", () => {
    const dir = tempDir("ar-start-many-");
    dirs.push(dir);
    const { script, input } = startManyScript([
      // Stops before reading its input: the next run's input must not go astray.
      {
        runId: "run-a",
        script: "echo 'checksum mismatch' >&2; exit 20",
        input: "AR-RUN-FILES a\nTOKEN=aaa\n",
      },
      {
        runId: "run-b",
        script: `cat > ${join(dir, "b")}; echo started`,
        input: "AR-RUN-FILES b\nTOKEN=bbb\n",
      },
      {
        runId: "run-c",
        script: `cat > ${join(dir, "c")}; printf 'no newline' >&2; exit 3`,
        input: "last line unended",
      },
    ]);
    const out = execFileSync(shell, ["-c", script], { input, encoding: "utf8" });
    const answers = parseStartMany(out);
    expect(answers.get("run-a")).toEqual({ exitCode: 20, stderr: "checksum mismatch\n" });
    expect(answers.get("run-b")).toEqual({ exitCode: 0, stderr: "" });
    expect(answers.get("run-c")).toEqual({ exitCode: 3, stderr: "no newline" });
    expect(readFileSync(join(dir, "b"), "utf8")).toBe("AR-RUN-FILES b\nTOKEN=bbb\n");
    expect(readFileSync(join(dir, "c"), "utf8")).toBe("last line unended\n");
    // Nothing of any input on the connection's stdout (the start's own stdout is not ours either).
    expect(out).not.toMatch(/TOKEN|started/);
  });

  it("runs the starts side by side (each waits for a mark the other makes)", () => {
    const dir = tempDir("ar-start-many-");
    dirs.push(dir);
    // Each start waits for the other's mark: done one after another, neither could end.
    const waitFor = (mark: string) =>
      `i=0; while [ ! -f ${join(dir, mark)} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; [ -f ${join(dir, mark)} ]`;
    const { script, input } = startManyScript([
      { runId: "x", script: `touch ${join(dir, "x")}; ${waitFor("y")}`, input: "" },
      { runId: "y", script: `touch ${join(dir, "y")}; ${waitFor("x")}`, input: "" },
    ]);
    const answers = parseStartMany(execFileSync(shell, ["-c", script], { input, encoding: "utf8" }));
    expect(answers.get("x")?.exitCode).toBe(0);
    expect(answers.get("y")?.exitCode).toBe(0);
  });
});

describe("the answers of a start connection", () => {
  it("ignore what is not an answer line (the machine's text is untrusted)", () => {
    const answers = parseStartMany("AR-STARTED ok 0 \nAR-STARTED bad x aGk=\njunk\nAR-STARTED e 21 aGk=\n");
    expect([...answers.keys()]).toEqual(["ok", "e"]);
    expect(answers.get("e")).toEqual({ exitCode: 21, stderr: "hi" });
  });
});
