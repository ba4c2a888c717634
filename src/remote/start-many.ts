/**
 * The start commands of several runs on one machine (startScript, each with its own stdin) in one
 * connection, since each connection costs seconds. The connection's stdin carries each run's input
 * in turn; the script reads all of it into the shell's memory (never a file, never an argv: read
 * and printf are builtins) before any start runs, so a start that stops without reading its input
 * can never hand the next run's to the wrong start. Each start runs in a subshell fed from that
 * memory, all side by side; each one's exit code and stderr come back as one "AR-STARTED <run id>
 * <exit code> <stderr as base64>" line. POSIX sh: the login shell of the machine runs it.
 */
import { shellQuote } from "../util/shell-quote.js";

export interface StartItem {
  runId: string;
  /** A start command (startScript, with any prelude). */
  script: string;
  /** Its stdin: whole lines. */
  input: string;
}

export interface StartAnswer {
  exitCode: number;
  stderr: string;
}

const TAG = "AR-STARTED";

export function startManyScript(items: readonly StartItem[]): { script: string; input: string } {
  const inputs = items.map((i) => (i.input === "" || i.input.endsWith("\n") ? i.input : `${i.input}\n`));
  const lines = (text: string) => text.split("\n").length - 1;
  const take = inputs.map(
    (text, i) =>
      `ar_in_${i}=; ar_n=${lines(text)}; while [ "$ar_n" -gt 0 ]; do ar_l=; IFS= read -r ar_l || true; ar_in_${i}="$ar_in_${i}$ar_l$ar_nl"; ar_n=$((ar_n - 1)); done`,
  );
  // Side by side (a start waits for its runner to come up), each answer in one short write.
  const starts = items.map(
    (item, i) => `(
ar_out=$(printf '%s' "$ar_in_${i}" | (
${item.script}
) 2>&1 >/dev/null; printf '\\n%s' "$?")
ar_code=\${ar_out##*"$ar_nl"}
ar_err=\${ar_out%"$ar_nl"*}
ar_b64=
if [ -n "$ar_err" ]; then ar_b64=$(printf '%s' "$ar_err" | head -c 2000 | base64 | tr -d '\\n'); fi
printf '${TAG} %s %s %s\\n' ${shellQuote(item.runId)} "$ar_code" "$ar_b64"
) &
ar_in_${i}=`,
  );
  return {
    script: ["ar_nl='\n'", ...take, ...starts, "wait", "exit 0"].join("\n"),
    input: inputs.join(""),
  };
}

/** The answers startManyScript printed, by run id (the machine's text: what does not match is ignored). */
export function parseStartMany(stdout: string): Map<string, StartAnswer> {
  const answers = new Map<string, StartAnswer>();
  for (const line of stdout.split("\n")) {
    const m = /^AR-STARTED (\S+) (\d+) ([A-Za-z0-9+/=]*)$/.exec(line);
    if (m)
      answers.set(m[1], { exitCode: Number(m[2]), stderr: Buffer.from(m[3], "base64").toString("utf8") });
  }
  return answers;
}
