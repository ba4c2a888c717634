/**
 * Progress for humans: one line redrawn in place on a terminal that understands escape codes,
 * plain lines otherwise (piped output, CI logs, `TERM=dumb`, `NO_COLOR`), nothing at all in --json
 * mode. Always on stderr: stdout is for results.
 */
import { type ProgressEvent, type ProgressListener, STAGES } from "../core/progress.js";
import { writeErr } from "./stdio.js";

/**
 * Whether escape codes may be written: a terminal, not declared dumb, and no NO_COLOR (which, per
 * no-color.org, counts when set to anything but the empty string).
 */
export function escapeCodesAllowed(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (!stream.isTTY || env.AMPLIHACK_NO_TTY) return false;
  if (env.NO_COLOR) return false;
  return env.TERM !== "dumb";
}

export function progressRenderer(mode: {
  json: boolean;
  stream?: { isTTY?: boolean; columns?: number };
  write?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}): {
  listener: ProgressListener | undefined;
  done: () => void;
} {
  if (mode.json) return { listener: undefined, done: () => {} };
  const stream = mode.stream ?? process.stderr;
  const write = mode.write ?? writeErr;
  const redraw = escapeCodesAllowed(stream, mode.env);
  let lastPlain = "";
  let drawn = false;
  const listener = (e: ProgressEvent) => {
    // The stage's own number, not the run's counter: stages overlap (the release begins while the
    // import goes on), and the import's last line is still step 8 of 9.
    const text = `[${STAGES.indexOf(e.stage) + 1}/${e.total}] ${e.stage}: ${e.message}`;
    if (redraw) {
      const width = (stream.columns || 100) - 1;
      write(`\r\x1b[2K${text.slice(0, width)}`);
      drawn = true;
    } else if (text !== lastPlain) {
      // Heartbeats repeat the same stage; plain output gets each distinct line once.
      write(`${text}\n`);
      lastPlain = text;
    }
  };
  return {
    listener,
    done: () => {
      if (redraw && drawn) write("\r\x1b[2K");
      drawn = false;
    },
  };
}
