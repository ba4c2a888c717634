/**
 * Progress for humans: one line redrawn in place on a TTY, plain lines when piped (so logs and
 * CI output stay readable), nothing at all in --json mode. Always on stderr: stdout is for results.
 */
import type { ProgressEvent, ProgressListener } from "../core/progress.js";

export function progressRenderer(mode: { json: boolean; stream?: NodeJS.WriteStream }): {
  listener: ProgressListener | undefined;
  done: () => void;
} {
  if (mode.json) return { listener: undefined, done: () => {} };
  const stream = mode.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY) && !process.env.AMPLIHACK_NO_TTY;
  let lastPlain = "";
  let drawn = false;
  const listener = (e: ProgressEvent) => {
    const text = `[${Math.floor(e.step)}/${e.total}] ${e.stage}: ${e.message}`;
    if (tty) {
      const width = (stream.columns || 100) - 1;
      stream.write(`\r\x1b[2K${text.slice(0, width)}`);
      drawn = true;
    } else if (text !== lastPlain) {
      // Heartbeats repeat the same stage; piped output gets each distinct line once.
      stream.write(`${text}\n`);
      lastPlain = text;
    }
  };
  return {
    listener,
    done: () => {
      if (tty && drawn) stream.write("\r\x1b[2K");
    },
  };
}
