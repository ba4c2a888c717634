/**
 * `amplihack-remote status --watch [--notify-command CMD]`: waits for the next run to end, brings
 * it home, prints its line and merge commands, and runs CMD with the summary as JSON on stdin.
 */
import { notifyCommand, watchRuns } from "../../core/notify/watch-runs.js";
import { ExitCode } from "../../util/errors.js";
import { cliDeps } from "../deps.js";
import { writeErr, writeOut } from "../stdio.js";

export async function watchCommand(opts: {
  json: boolean;
  notifyCommand?: string;
  signal: AbortSignal;
}): Promise<number> {
  const deps = cliDeps();
  let failed = false;
  if (!opts.json) writeErr("Waiting for the next run to end (Ctrl-C stops waiting, not the runs)…\n");
  const ended = await watchRuns(deps, {
    signal: opts.signal,
    onEnded: async (a, record) => {
      if (opts.json) writeOut(`${JSON.stringify({ ...a, summary: record?.summary ?? null })}\n`);
      else writeOut([a.line, ...a.next.map((n) => `  ${n}`)].join("\n").concat("\n"));
      if (!opts.notifyCommand) return;
      const r = await notifyCommand(deps, opts.notifyCommand, a, record);
      if (!r.ok) {
        failed = true;
        writeErr(`amplihack-remote: ${r.message}\n`);
      }
    },
  });
  if (ended.length === 0 && !opts.json) writeOut("No run is running, and none ended unannounced.\n");
  return failed ? ExitCode.runFailed : ExitCode.ok;
}
