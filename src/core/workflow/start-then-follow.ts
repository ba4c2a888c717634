/**
 * `exec`'s start: one connection starts the run and goes on as its watcher (protocol.ts
 * startScript with `watch`), so following costs no connection of its own (seconds on a real VM).
 * The start settles as soon as the machine says the run has started; the rest of the stream is
 * kept (and its lines held) until the follower adopts it as its first connection (watch-run.ts).
 * A start that fails is a start failure as before: its exit code and stderr, nothing followed.
 */
import { STARTED_RECORD } from "../../remote/protocol.js";
import { watchArgs } from "../../remote/watch.js";
import type { ExecResult, Machine, StreamExecResult } from "../../targets/types.js";
import { RemoteError } from "../../util/errors.js";
import type { StartConnection } from "../launch/launch-run.js";
import { firstWatchRequest, type OpenedStream, type WatchOptions } from "./watch-run.js";

export class StartThenFollow implements StartConnection {
  private opened: (OpenedStream & { close(): void }) | null = null;

  constructor(private readonly watch: WatchOptions) {}

  watchArgs(machine: Machine): string {
    return watchArgs(firstWatchRequest(machine, this.watch));
  }

  /** The stream the start left open, for the follower; null when there is none (or it was taken). */
  take(): OpenedStream | null {
    const opened = this.opened;
    this.opened = null;
    return opened;
  }

  /** Ends a stream nobody adopted (the start failed after it, or the follow never began). */
  close(): void {
    this.opened?.close();
    this.opened = null;
  }

  async start(
    machine: Machine,
    _runId: string,
    script: string,
    options: { input: string; signal?: AbortSignal; timeoutMs: number },
  ): Promise<ExecResult> {
    const { signal } = options;
    if (signal?.aborted) throw cancelled(machine);
    this.close(); // a retried start replaces the stream of the attempt before
    const link = new AbortController();
    const stop = () => link.abort(signal?.reason);
    signal?.addEventListener("abort", stop, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      link.abort(new Error("start timed out"));
    }, options.timeoutMs);
    let started = false;
    let onStarted = () => {};
    const startedSeen = new Promise<void>((resolve) => {
      onStarted = resolve;
    });
    const held: string[] = [];
    let listener: ((line: string) => void) | null = null;
    const ended = machine.stream(
      script,
      (line) => {
        if (started) {
          if (listener) listener(line);
          else held.push(line);
        } else if (line === STARTED_RECORD) {
          // Anything before it is the start's own talk, not a watcher record.
          started = true;
          onStarted();
        }
      },
      { input: options.input, signal: link.signal },
    );
    ended.catch(() => {}); // a drop after the start is the follower's to see, when it adopts
    const first = await Promise.race([startedSeen.then(() => null), ended.then((r) => r)]).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
    });
    if (started) {
      let adopted = false;
      this.opened = {
        adopt: (onLine, adopterSignal) => {
          if (adopted) throw new Error("the start's stream was adopted already");
          adopted = true;
          for (const line of held.splice(0)) onLine(line);
          listener = onLine;
          if (adopterSignal.aborted) link.abort(adopterSignal.reason);
          else
            adopterSignal.addEventListener("abort", () => link.abort(adopterSignal.reason), { once: true });
          return ended;
        },
        close: () => link.abort(new Error("not followed")),
      };
      return { exitCode: 0, stdout: "", stderr: "" };
    }
    if (signal?.aborted) throw cancelled(machine);
    if (timedOut) {
      throw new RemoteError(
        "remote-failed",
        `The start on ${machine.name} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`,
        `Check the machine (${machine.howToReach}) and run the command again.`,
      );
    }
    // Ended without saying the run started: a failed start (its exit code says why).
    const exit = first as StreamExecResult;
    return {
      exitCode: exit.exitCode === 0 ? 1 : exit.exitCode,
      stdout: "",
      stderr: exit.stderrTail || (exit.exitCode === 0 ? "the start ended without starting the run" : ""),
    };
  }
}

function cancelled(machine: Machine): RemoteError {
  return new RemoteError(
    "interrupted",
    `Cancelled before running a command on ${machine.name}.`,
    "Run the command again when ready.",
  );
}
