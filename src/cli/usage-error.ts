/**
 * commander's argument errors (unknown option or command, missing argument, bad choice, a value
 * its parser refused) as the RemoteError every other failure is, so `--json` gets the same
 * `{"error": {code, message, remedy, exitCode}}` for them and the exit code is the usage one.
 */
import type { Command, CommanderError } from "commander";
import { RemoteError } from "../util/errors.js";

export function usageErrorFromCommander(err: CommanderError, program: Command, argv: string[]): RemoteError {
  const first = argv.slice(2).find((a) => !a.startsWith("-"));
  const sub = program.commands.find((c) => c.name() === first || c.aliases().includes(first ?? ""));
  const help = sub ? `amplihack-remote ${sub.name()} --help` : "amplihack-remote --help";
  // "help" with a non-zero exit: commander printed the help because no command was given.
  const message =
    err.code === "commander.help" ? "No command given." : err.message.replace(/^error:\s*/i, "").trim();
  return new RemoteError(
    "usage",
    message,
    `Run \`${help}\` for the commands, options and arguments; nothing was started.`,
  );
}
