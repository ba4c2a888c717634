/**
 * The runs of a batch that took their slots on one machine together (core/pool.ts's startGroup)
 * also start together: their start commands go in one connection (src/remote/start-many.ts)
 * once every one of them has asked to start or has dropped out (failed before its start). A run
 * outside such a group, one that asks again after its group started (a damaged upload sent anew),
 * or a group of one, starts in its own connection as before. A connection that fails leaves the
 * group as it was, so the retries of its runs (launch-run.ts's startOnce) go together again.
 */
import { parseStartMany, startManyScript } from "../../remote/start-many.js";
import type { ExecOptions, ExecResult, Machine } from "../../targets/types.js";
import { type StartConnection, startAlone } from "./launch-run.js";

export interface StartsTogether extends StartConnection {
  /** The run will not ask to start (it failed before): the rest of its group no longer waits for it. */
  withdraw(runId: string): void;
}

interface Asked {
  script: string;
  options: ExecOptions & { input: string };
  settle: (result: ExecResult | Error) => void;
}

interface Round {
  machine: Machine;
  expected: Set<string>;
  asked: Map<string, Asked>;
  started: boolean;
}

export function startsTogether(groupOf: (vmName: string) => Promise<string[]> | undefined): StartsTogether {
  const rounds = new Map<string, Round>();
  const withdrawn = new Set<string>();

  function flushIfComplete(round: Round) {
    if (round.started || round.asked.size === 0) return;
    if ([...round.expected].some((id) => !round.asked.has(id))) return;
    round.started = true;
    const asked = [...round.asked].map(([runId, a]) => ({ runId, ...a }));
    round.asked.clear();
    const { script, input } = startManyScript(
      asked.map((a) => ({ runId: a.runId, script: a.script, input: a.options.input })),
    );
    const timeoutMs = Math.max(...asked.map((a) => a.options.timeoutMs ?? 0)) || undefined;
    round.machine.exec(script, { input, signal: asked[0].options.signal, timeoutMs }).then(
      (r) => {
        const answers = parseStartMany(r.stdout);
        for (const a of asked) {
          const answer = answers.get(a.runId);
          a.settle(
            answer
              ? { exitCode: answer.exitCode, stdout: "", stderr: answer.stderr }
              : {
                  exitCode: r.exitCode === 0 ? 1 : r.exitCode,
                  stdout: "",
                  stderr: r.stderr.trim() || "the machine gave no answer for this run's start",
                },
          );
        }
      },
      (err: Error) => {
        round.started = false; // the retries go together again
        for (const a of asked) a.settle(err);
      },
    );
  }

  return {
    async start(machine, runId, script, options) {
      const group = groupOf(machine.name);
      const members = group ? await group : [];
      if (!members.includes(runId) || members.length < 2)
        return startAlone.start(machine, runId, script, options);
      let round = rounds.get(machine.name);
      if (!round) {
        round = {
          machine,
          expected: new Set(members.filter((id) => !withdrawn.has(id))),
          asked: new Map(),
          started: false,
        };
        rounds.set(machine.name, round);
      }
      if (round.started || !round.expected.has(runId) || round.asked.has(runId))
        return startAlone.start(machine, runId, script, options);
      const current = round;
      const result = await new Promise<ExecResult | Error>((settle) => {
        current.asked.set(runId, { script, options, settle });
        flushIfComplete(current);
      });
      if (result instanceof Error) throw result;
      return result;
    },
    withdraw(runId) {
      withdrawn.add(runId);
      for (const round of rounds.values()) {
        if (round.asked.has(runId)) continue;
        round.expected.delete(runId);
        flushIfComplete(round);
      }
    },
  };
}
