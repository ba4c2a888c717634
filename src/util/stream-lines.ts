/**
 * Hands each line of a child's stdout to a callback as it arrives. A last line without its
 * newline (the child died mid-write) is dropped: a caller resuming by position asks for it again.
 */
import type { Readable } from "node:stream";
import type { StreamExit, StreamingProcess } from "./run.js";

export function forEachLine(stdout: Readable, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = "";
    stdout.setEncoding("utf8");
    stdout.on("data", (text: string) => {
      pending += text;
      let at = pending.indexOf("\n");
      while (at >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        try {
          onLine(line);
        } catch (err) {
          reject(err);
          return;
        }
        at = pending.indexOf("\n");
      }
    });
    stdout.on("end", () => resolve());
    stdout.on("close", () => resolve());
    stdout.on("error", () => resolve());
  });
}

/** Waits for the child to end with its stdout read line by line; a throwing onLine stops the child. */
export async function linesUntilExit(
  child: StreamingProcess,
  onLine: (line: string) => void,
): Promise<StreamExit> {
  try {
    await forEachLine(child.stdout, onLine);
  } catch (err) {
    child.kill();
    await child.exited;
    throw err;
  }
  return child.exited;
}
