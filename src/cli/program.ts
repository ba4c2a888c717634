/**
 * The amplihack-remote CLI: parses arguments and hands them to core. Nothing here decides
 * anything; every command is a thin adapter that prints and returns an exit code.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { COMMANDS } from "../core/options.js";
import { ExitCode, RemoteError } from "../util/errors.js";
import { VERSION } from "../version.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { continueCommand } from "./commands/continue.js";
import { execCommand } from "./commands/exec.js";
import { HOOK_EVENTS, hookCommand } from "./commands/hook.js";
import { planCommand } from "./commands/plan.js";
import { killCommand, outputCommand, retrieveCommand, startCommand, statusCommand } from "./commands/runs.js";
import { scanCommand } from "./commands/scan.js";
import { vmsCommand } from "./commands/vms.js";
import { watchCommand } from "./commands/watch.js";
import { printError } from "./print.js";
import { addRunFlags, runOptionsFromFlags } from "./run-flags.js";
import { survivePipeClosure, writeErr, writeOut } from "./stdio.js";
import { usageErrorFromCommander } from "./usage-error.js";

/** A whole number in [min, max] (a count or a number of seconds: never negative). */
function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  return (value: string) => {
    const n = Number(value.trim());
    if (!/^\d+$/.test(value.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number ${range}, not ${JSON.stringify(value)}`);
    return n;
  };
}

function numberArg(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };
}

/** Ctrl-C and SIGTERM abort the current operation; cleanup still runs (a second Ctrl-C forces exit). */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count += 1;
    if (count > 1) process.exit(ExitCode.interrupted);
    writeErr(`\n${sig}: stopping the run and cleaning up (press Ctrl-C again to abandon cleanup)\n`);
    controller.abort(
      new RemoteError(
        "interrupted",
        `Interrupted by ${sig}.`,
        "Check leftovers with `amplihack-remote status` and `amplihack-remote vms`.",
      ),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("amplihack-remote")
    .description(
      "Run agentic coding tasks on remote Azure VMs via azlin and bring the results home as git branches.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  const exec = program
    .command("exec")
    .description(
      "Run COMMAND with PROMPT on a target and wait for the results (start + follow + retrieve + release).",
    )
    .argument("<command>", `one of: ${COMMANDS.join(", ")}`)
    .argument("<prompt>", "the task for the agent (quote it)")
    .option("--plan", "only show what would happen and what it would cost; start nothing", false);
  addRunFlags(exec).action(async (command: string, prompt: string, o) => {
    const run = o.plan ? planCommand : execCommand;
    process.exitCode = await run(
      { ...runOptionsFromFlags(o), command: command as never, prompt },
      { json: o.json, signal: interruptSignal() },
    );
  });

  const cont = program
    .command("continue")
    .description(
      "Continue RUN: a new run from RUN's result branch (remote-exec/RUN/...), on RUN's machine when it was kept (the agent's session resumes there), else on a fresh one; waits like exec.",
    )
    .argument("<run>", "the run to continue (a unique prefix or suffix of its id is enough)")
    .argument("[prompt]", "what to do next (default: continue the previous work)")
    .addOption(
      new Option("--command <command>", "what the agent does (default: RUN's)").choices([...COMMANDS]),
    );
  addRunFlags(cont).action(async (run: string, prompt: string | undefined, o) => {
    const { continueFrom: _ignored, ...flags } = runOptionsFromFlags(o);
    process.exitCode = await continueCommand(
      run,
      { ...flags, command: o.command, prompt },
      { json: o.json, signal: interruptSignal() },
    );
  });

  const start = program
    .command("start")
    .description(
      "Start one detached run per PROMPT and return once the checks and the secret gate pass (one package for all); a background worker gets the machines and starts the agents.",
    )
    .argument("<prompt...>", "one or more tasks (quote each)")
    .addOption(
      new Option("--command <command>", "what the agent does").choices([...COMMANDS]).default("auto"),
    )
    .option("--no-auto-retrieve", "leave finished runs on their machine until `retrieve`");
  addRunFlags(start).action(async (prompts: string[], o) => {
    process.exitCode = await startCommand({ ...runOptionsFromFlags(o), command: o.command }, prompts, {
      json: o.json,
      autoRetrieve: o.autoRetrieve,
      signal: interruptSignal(),
    });
  });

  program
    .command("status")
    .description(
      "Show runs: pending, running, succeeded, failed, timed-out, killed (retrieves finished detached runs).",
    )
    .argument("[run]", "one run id (a unique prefix or suffix is enough)")
    .option(
      "--wait <seconds>",
      "wait up to this many seconds (max 110) for a run's status or phase to change",
      intArg("--wait", 0, 110),
    )
    .option("--json", "machine-readable output", false)
    .option("--watch", "wait for the next run to end, bring it home and print its summary line", false)
    .option(
      "--notify-command <cmd>",
      "with --watch: run CMD (by /bin/sh) with the ended run's summary as JSON on stdin",
    )
    .action(async (run: string | undefined, o) => {
      process.exitCode = o.watch
        ? await watchCommand({ json: o.json, notifyCommand: o.notifyCommand, signal: interruptSignal() })
        : await statusCommand(run, {
            json: o.json,
            waitSeconds: o.wait,
            signal: o.wait ? interruptSignal() : undefined,
          });
    });

  program
    .command("output")
    .description("Show the tail of a run's agent log (redacted).")
    .argument("<run>", "run id")
    .option("-n, --lines <n>", "how many lines", intArg("--lines", 1), 50)
    .option("-f, --follow", "keep printing new output until the run ends", false)
    .option("--json", "machine-readable output", false)
    .action(async (run: string, o) => {
      process.exitCode = await outputCommand(run, {
        lines: o.lines,
        follow: o.follow,
        json: o.json,
        signal: interruptSignal(),
      });
    });

  program
    .command("kill")
    .description("Stop a run's agent (that run only); its partial work can still be retrieved.")
    .argument("<run>", "run id")
    .option("--json", "machine-readable output", false)
    .action(async (run: string, o) => {
      process.exitCode = await killCommand(run, { json: o.json });
    });

  program
    .command("retrieve")
    .description("Bring a finished run's logs and branches home into remote-exec/, then release its VM.")
    .argument("<run>", "run id")
    .option("--keep-vm", "do not delete the VM afterwards", false)
    .option("--json", "machine-readable output", false)
    .action(async (run: string, o) => {
      process.exitCode = await retrieveCommand(run, { json: o.json, keepVm: o.keepVm });
    });

  program
    .command("vms")
    .description(
      "List our VMs (tag amplihack_workflow=true): size, region, age, state, busy/free, runs, cost/h.",
    )
    .option("--json", "machine-readable output", false)
    .action(async (o) => {
      process.exitCode = await vmsCommand({ json: o.json });
    });

  program
    .command("cleanup")
    .description(
      "Delete our VMs: one by NAME, or those older than H hours (default: past their TTL) and idle.",
    )
    .argument("[name]", "one VM to delete")
    .option(
      "--older-than <hours>",
      "delete our idle VMs older than this many hours",
      numberArg("--older-than"),
    )
    .option(
      "--idle-minutes <m>",
      "also delete our VMs idle this long since their last run ended (default: $AMPLIHACK_REMOTE_IDLE_MINUTES)",
      numberArg("--idle-minutes"),
    )
    .option("--dry-run", "only show what would be deleted", false)
    .option("--json", "machine-readable output", false)
    .action(async (name: string | undefined, o) => {
      process.exitCode = await cleanupCommand(name, {
        olderThan: o.olderThan,
        idleMinutes: o.idleMinutes,
        dryRun: o.dryRun,
        json: o.json,
      });
    });

  program
    .command("scan")
    .description("Show what would ship from the repository at PATH, and whether the secret gate blocks it.")
    .argument("[path]", "a path inside the repository (default: the current directory)")
    .option("--json", "findings as JSON (path, line, rule, commit, ...)", false)
    .option(
      "--accept",
      "after review: record every finding in .amplihack-remote-allow, so only new ones block",
      false,
    )
    .action(async (path: string | undefined, o) => {
      process.exitCode = await scanCommand(path, { json: o.json, accept: o.accept });
    });

  program
    .command("hook")
    .description(
      "The plugin's Claude Code hook: reads the hook's JSON on stdin and prints runs of this repository that finished since the last time.",
    )
    .addArgument(new Argument("<event>", "the hook event").choices(Object.keys(HOOK_EVENTS)))
    .action(async (event: string) => {
      process.exitCode = await hookCommand(event);
    });

  return program;
}

/** `--json` anywhere among the options (not after `--`, where it would be a prompt's text). */
function wantsJson(argv: string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes("--json");
}

export async function main(argv: string[]): Promise<number> {
  survivePipeClosure();
  const program = buildProgram();
  const json = wantsJson(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      // commander already told the human on stderr; a program asked for JSON gets it on stdout.
      const usage = usageErrorFromCommander(err, program, argv);
      if (json) writeOut(`${JSON.stringify({ error: usage.toJSON() }, null, 2)}\n`);
      return usage.exitCode;
    }
    return printError(err, json);
  }
}
