// A small clap 4 look-alike: the same grammar (long flags with a separate or `=` value, global
// flags anywhere, `--` for trailing words) and the same usage errors, on stderr with exit 2.

export class UsageError extends Error {
  constructor(text) {
    super(text);
    this.text = text;
  }
}

const MORE = "For more information, try '--help'.";

function usageError(lines, usage) {
  const parts = [lines.join("\n")];
  if (usage) parts.push(`Usage: ${usage}`);
  parts.push(MORE);
  return new UsageError(`${parts.join("\n\n")}\n`);
}

export function unexpectedArgument(token, spec) {
  const lines = [`error: unexpected argument '${token}' found`];
  // clap adds this tip when the command takes positional values that a dash word could be meant for.
  if (token.startsWith("-") && spec.positionals?.length)
    lines.push("", `  tip: to pass '${token}' as a value, use '-- ${token}'`);
  return usageError(lines, spec.usage);
}

function valueRequired(flag, meta) {
  return usageError([`error: a value is required for '${flag} <${meta}>' but none was supplied`]);
}

export function invalidValue(value, flag, meta, possible) {
  return usageError([
    `error: invalid value '${value}' for '${flag} <${meta}>'`,
    `  [possible values: ${possible.join(", ")}]`,
  ]);
}

function missingRequired(names, spec) {
  return usageError(
    ["error: the following required arguments were not provided:", ...names.map((n) => `  <${n}>`)],
    spec.requiredUsage ?? spec.usage,
  );
}

/** Flags every subcommand accepts (clap `global = true`). */
export const GLOBAL_OPTIONS = {
  "--output": { key: "output", meta: "OUTPUT", possible: ["table", "json", "csv"] },
  "-o": { alias: "--output" },
  "--verbose": { key: "verbose", flag: true },
  "-v": { alias: "--verbose" },
  "--auth-profile": { key: "authProfile", meta: "AUTH_PROFILE" },
  "--config": { key: "config", meta: "CONFIG" },
  "--startup-time": { key: "startupTime", flag: true },
};

function lookup(options, name) {
  let opt = options[name] ?? GLOBAL_OPTIONS[name];
  let canonical = name;
  if (opt?.alias) {
    canonical = opt.alias;
    opt = options[opt.alias] ?? GLOBAL_OPTIONS[opt.alias];
  }
  return opt ? { opt, canonical } : undefined;
}

/**
 * Parses the words after the subcommand. `spec`: { usage, options, positionals: [{name, required,
 * multiple}], trailing: bool }. Returns { opts, positionals: {name: value|values}, trailing }.
 */
export function parseArgs(words, spec) {
  const opts = {};
  const positionalValues = [];
  let trailing = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") {
      const rest = words.slice(i + 1);
      if (spec.trailing) {
        trailing = rest;
      } else {
        // clap treats words after `--` as positionals; with nowhere to put them they are unexpected.
        for (const r of rest) positionalValues.push(r);
      }
      break;
    }
    if (word.startsWith("-") && word !== "-") {
      const eq = word.startsWith("--") ? word.indexOf("=") : -1;
      const name = eq > 0 ? word.slice(0, eq) : word;
      const found = lookup(spec.options ?? {}, name);
      if (!found) throw unexpectedArgument(word, spec);
      const { opt, canonical } = found;
      if (opt.flag) {
        if (eq > 0) {
          throw usageError(
            [
              `error: unexpected value '${word.slice(eq + 1)}' for '${canonical}' found; no more were expected`,
            ],
            spec.usage,
          );
        }
        opts[opt.key] = true;
        continue;
      }
      let value;
      if (eq > 0) {
        value = word.slice(eq + 1);
      } else if (opt.optionalValue) {
        if (opt.optionalValue.includes(words[i + 1])) value = words[++i];
        else value = opt.defaultMissing;
      } else {
        if (i + 1 >= words.length) throw valueRequired(canonical, opt.meta);
        value = words[++i];
      }
      if (opt.possible) {
        const match = opt.possible.find((p) =>
          opt.ignoreCase ? p.toLowerCase() === value.toLowerCase() : p === value,
        );
        if (match === undefined) throw invalidValue(value, canonical, opt.meta, opt.possible);
        value = match;
      }
      opts[opt.key] = value;
      continue;
    }
    positionalValues.push(word);
  }

  const positionals = {};
  const specs = spec.positionals ?? [];
  let p = 0;
  for (const ps of specs) {
    if (ps.multiple) {
      positionals[ps.name] = positionalValues.slice(p);
      p = positionalValues.length;
    } else if (p < positionalValues.length) {
      positionals[ps.name] = positionalValues[p++];
    }
  }
  if (p < positionalValues.length) throw unexpectedArgument(positionalValues[p], spec);
  const missing = specs.filter(
    (ps) => ps.required && (ps.multiple ? !positionals[ps.name]?.length : positionals[ps.name] === undefined),
  );
  if (missing.length)
    throw missingRequired(
      missing.map((m) => m.name),
      spec,
    );
  return { opts, positionals, trailing };
}

/** The words before the subcommand may only be global flags. */
export function splitGlobal(argv) {
  const globals = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith("-") || word === "--") break;
    if (["--version", "-V", "--help", "-h"].includes(word)) return { special: word, globals, rest: [] };
    const eq = word.startsWith("--") ? word.indexOf("=") : -1;
    const name = eq > 0 ? word.slice(0, eq) : word;
    const found = lookup({}, name);
    if (!found) throw unexpectedArgument(word, { usage: "azlin [OPTIONS] <COMMAND>" });
    globals.push(word);
    if (!found.opt.flag && eq < 0) {
      if (i + 1 >= argv.length) throw valueRequired(found.canonical, found.opt.meta);
      globals.push(argv[++i]);
    }
  }
  return { globals, rest: argv.slice(i) };
}

export function subcommandRequired() {
  return usageError(
    ["error: 'azlin' requires a subcommand but one was not provided"],
    "azlin [OPTIONS] <COMMAND>",
  );
}

export function unrecognizedSubcommand(name, implemented) {
  const lines = [`error: unrecognized subcommand '${name}'`];
  if (implemented) lines.push("", `  note: the fake azlin implements only: ${implemented.join(", ")}`);
  return usageError(lines, "azlin [OPTIONS] <COMMAND>");
}
