/**
 * The CLI's stdout and stderr, written so that a reader going away never stops a run. When the
 * other end of a pipe closes (`amplihack-remote exec ... | head -1`, a pager quit early, a closed
 * terminal), Node reports EPIPE (or EIO) as an 'error' event on the stream, and an unhandled one
 * kills the process: a run mid-way would leave its VM billing and its results on it. Here such an
 * error only marks the stream gone; later writes to it are dropped and the run goes on to its end.
 */

type Std = "stdout" | "stderr";

const gone = new Set<Std>();
const goneListeners: Array<() => void> = [];
let installed = false;

/** Installs the error handlers on both streams (idempotent; the CLI calls it first thing). */
export function survivePipeClosure(): void {
  if (installed) return;
  installed = true;
  for (const name of ["stdout", "stderr"] as const) {
    process[name].on("error", () => {
      // Whatever the error (EPIPE, EIO, ERR_STREAM_DESTROYED), nobody reads this stream any more.
      if (gone.has(name)) return;
      gone.add(name);
      if (name === "stdout") for (const listener of goneListeners.splice(0)) listener();
    });
  }
}

function write(name: Std, text: string): void {
  const stream = process[name];
  if (gone.has(name) || stream.destroyed || stream.writableEnded) return;
  stream.write(text);
}

export const writeOut = (text: string): void => write("stdout", text);
export const writeErr = (text: string): void => write("stderr", text);

/**
 * An AbortSignal that fires when stdout's reader goes away: for commands whose only purpose is to
 * print (`output --follow`), there is no point going on once nobody reads.
 */
export function stdoutGone(): AbortSignal {
  const controller = new AbortController();
  if (gone.has("stdout")) controller.abort();
  else goneListeners.push(() => controller.abort());
  return controller.signal;
}
