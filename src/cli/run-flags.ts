/**
 * The run options as commander flags, generated from the zod shape of core/options.ts: the flag,
 * its help and its default come from there (and core/option-docs.ts), and every value is checked
 * by the schema itself, so the CLI, the MCP tools and core share one set of rules and defaults.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { z } from "zod";
import { describeOption, flagOf, OPTION_DOCS, POSITIONAL, type RunOptionKey } from "../core/option-docs.js";
import { type RunOptionsInput, runOptionsShape } from "../core/options.js";

interface Flag {
  key: RunOptionKey;
  option: Option;
}

/** The schema under .default()/.optional(), and the default it gives. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; fallback: unknown } {
  let inner = schema;
  let fallback: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      fallback = inner.def.defaultValue;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    else return { inner, fallback };
  }
}

function flagFor(key: RunOptionKey): Option {
  const { inner, fallback } = unwrap(runOptionsShape[key] as z.ZodType);
  const doc = OPTION_DOCS[key];
  const { help } = describeOption(key);
  if (inner instanceof z.ZodBoolean) return new Option(flagOf(key), help);
  const option = new Option(`${flagOf(key)} <${doc?.value ?? "value"}>`, help);
  if (inner instanceof z.ZodEnum) option.choices(inner.options.map(String));
  if (doc?.fromText) {
    const fromText = doc.fromText;
    option.argParser((text: string) => {
      try {
        return fromText(text);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    });
  } else if (inner instanceof z.ZodArray) {
    // A list is a repeatable flag: `--forward-env A --forward-env B`.
    option.argParser((text: string, previous: unknown) => [
      ...(Array.isArray(previous) ? previous : []),
      text,
    ]);
  } else if (inner instanceof z.ZodNumber) {
    // Text that is not a number becomes NaN, which the schema refuses with the option's own rule.
    option.argParser((text: string) => (text.trim() === "" ? Number.NaN : Number(text)));
  }
  if (fallback !== undefined && fallback !== false) option.default(fallback);
  return option;
}

const FLAGS: Flag[] = (Object.keys(runOptionsShape) as RunOptionKey[])
  .filter((key) => !POSITIONAL.includes(key))
  .map((key) => ({ key, option: flagFor(key) }));

/** Adds every run option but COMMAND and PROMPT, plus --json. */
export function addRunFlags(command: Command): Command {
  for (const { option } of FLAGS) command.addOption(option);
  return command.option("--json", "print the result as JSON on stdout and no progress", false);
}

/** The run options from commander's parsed flags (the schema checks them later, in core). */
export function runOptionsFromFlags(
  parsed: Record<string, unknown>,
): Omit<RunOptionsInput, "command" | "prompt"> {
  const out: Record<string, unknown> = {};
  for (const { key, option } of FLAGS) {
    const value = parsed[option.attributeName()];
    // `--no-reuse` is commander's negation of `reuse`: the option is set when that is false.
    out[key] = option.negate ? value === false : value;
  }
  return out as Omit<RunOptionsInput, "command" | "prompt">;
}
