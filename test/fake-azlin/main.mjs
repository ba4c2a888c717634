// Dispatch of the fake azlin: records argv, parses like clap, runs one subcommand, and ends the
// process with that subcommand's stdout, stderr and exit code.
import { parseArgs, splitGlobal, subcommandRequired, UsageError, unrecognizedSubcommand } from "./args.mjs";
import * as connect from "./commands/connect.mjs";
import * as cp from "./commands/cp.mjs";
import * as del from "./commands/delete.mjs";
import * as list from "./commands/list.mjs";
import * as newCmd from "./commands/new.mjs";
import * as power from "./commands/power.mjs";
import * as show from "./commands/show.mjs";
import * as status from "./commands/status.mjs";
import * as tag from "./commands/tag.mjs";
import { Exit, makeContext } from "./context.mjs";
import { recordArgv } from "./state.mjs";
import { VERSION } from "./texts.mjs";

const COMMANDS = {
  new: { spec: newCmd.spec, run: (ctx, p) => newCmd.run(ctx, p.positionals) },
  list: { spec: list.spec, run: (ctx) => list.run(ctx) },
  show: { spec: show.spec, run: (ctx, p) => show.run(ctx, p.positionals) },
  status: { spec: status.spec, run: (ctx) => status.run(ctx) },
  connect: { spec: connect.spec, run: (ctx, p) => connect.run(ctx, p.positionals, p.trailing) },
  cp: { spec: cp.spec, run: (ctx, p) => cp.run(ctx, p.positionals) },
  kill: { spec: del.killSpec, run: (ctx, p) => del.kill(ctx, p.positionals) },
  destroy: { spec: del.destroySpec, run: (ctx, p) => del.destroy(ctx, p.positionals) },
  start: { spec: power.startSpec, run: (ctx, p) => power.start(ctx, p.positionals) },
  stop: { spec: power.stopSpec, run: (ctx, p) => power.stop(ctx, p.positionals) },
  tag: { parse: tag.parse, run: (ctx, p) => tag.run(ctx, p) },
};
const ALIASES = { create: "new" };

/** Subcommands real azlin 2.7.3 has that this fake does not implement. */
const REAL_ONLY = new Set(
  "ask do doit azdoit clone session gui vm env snapshot storage health w ps cost costs logs top delete killall cleanup prune keys auth sync sync-keys batch fleet compose github-runner template autopilot code context disk ip web os-update restore sessions azlin-help config bastion tunnel update self-update completions history".split(
    " ",
  ),
);

function finish(code, stdout, stderr) {
  // Exit only after both streams are flushed: pipes to a test runner are asynchronous.
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write(stdout ?? "", done);
  process.stderr.write(stderr ?? "", done);
}

export async function main(argv) {
  const env = process.env;
  try {
    recordArgv(env, argv);
  } catch {
    // A broken state dir must not hide the command's own behaviour.
  }
  try {
    const { special, globals, rest } = splitGlobal(argv);
    if (special === "--version" || special === "-V") return finish(0, `azlin ${VERSION}\n`);
    if (special)
      return finish(
        0,
        "Provision, manage, and monitor development VMs on Azure.\n\nUsage: azlin [OPTIONS] <COMMAND>\n",
      );
    if (rest.length === 0 || rest[0] === "--") throw subcommandRequired();
    const name = ALIASES[rest[0]] ?? rest[0];
    if (name === "version") {
      parseArgs([...globals, ...rest.slice(1)], { usage: "azlin version", options: {}, positionals: [] });
      return finish(0, `azlin ${VERSION} (rust)\n`);
    }
    const command = COMMANDS[name];
    if (!command)
      throw unrecognizedSubcommand(
        rest[0],
        REAL_ONLY.has(name) ? ["version", ...Object.keys(COMMANDS)] : null,
      );
    if (rest.includes("--help") || rest.includes("-h")) {
      const helpIndex = rest.indexOf("--") < 0 ? Number.POSITIVE_INFINITY : rest.indexOf("--");
      if (
        Math.min(
          ...["--help", "-h"].map((h) => (rest.indexOf(h) < 0 ? Number.POSITIVE_INFINITY : rest.indexOf(h))),
        ) < helpIndex
      ) {
        return finish(0, `Usage: ${command.spec?.usage ?? `azlin ${name} <COMMAND>`}\n`);
      }
    }
    // Global flags may come before the subcommand; hand them to its parser like clap does.
    const parsed =
      name === "tag"
        ? command.parse([rest[1], ...globals, ...rest.slice(2)].filter((w) => w !== undefined))
        : parseArgs([...globals, ...rest.slice(1)], command.spec);
    const ctx = makeContext(env, name, parsed.opts);
    const result = await command.run(ctx, parsed);
    return finish(result.code, result.stdout, result.stderr);
  } catch (err) {
    if (err instanceof UsageError) return finish(2, "", err.text);
    if (err instanceof Exit) return finish(err.code, err.stdout, err.stderr);
    return finish(70, "", `fake azlin internal error: ${err?.stack ?? err}\n`);
  }
}
