// `azlin tag add|remove|list`: VM tags, one `az vm update` per tag (reference §3.8).
import { parseArgs, UsageError } from "../args.mjs";
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { findVm, updateState } from "../state.mjs";
import { azTimeout, invalidTagFormat, invalidTagKey, invalidTagValue, resourceNotFound } from "../texts.mjs";

const specs = {
  add: {
    usage: "azlin tag add [OPTIONS] <VM_NAME> [TAGS]...",
    requiredUsage: "azlin tag add <VM_NAME> [TAGS]...",
    options: { ...RG_OPTIONS },
    positionals: [
      { name: "VM_NAME", required: true },
      { name: "TAGS", multiple: true },
    ],
  },
  remove: {
    usage: "azlin tag remove [OPTIONS] <VM_NAME> [KEYS]...",
    requiredUsage: "azlin tag remove <VM_NAME> [KEYS]...",
    options: { ...RG_OPTIONS },
    positionals: [
      { name: "VM_NAME", required: true },
      { name: "KEYS", multiple: true },
    ],
  },
  list: {
    usage: "azlin tag list [OPTIONS] <VM_NAME>",
    requiredUsage: "azlin tag list <VM_NAME>",
    options: { ...RG_OPTIONS },
    positionals: [{ name: "VM_NAME", required: true }],
  },
};

/** `tag` has subcommands of its own; main hands it the words after `tag`. */
export function parse(words) {
  const sub = words[0];
  if (!sub || sub.startsWith("-")) {
    throw new UsageError(
      "error: 'azlin tag' requires a subcommand but one was not provided\n  [subcommands: add, remove, list, help]\n\nUsage: azlin tag <COMMAND>\n\nFor more information, try '--help'.\n",
    );
  }
  const spec = specs[sub];
  if (!spec) {
    throw new UsageError(
      `error: unrecognized subcommand '${sub}'\n\nUsage: azlin tag <COMMAND>\n\nFor more information, try '--help'.\n`,
    );
  }
  return { sub, ...parseArgs(words.slice(1), spec) };
}

const KEY = /^[A-Za-z0-9._-]+$/;

export async function run(ctx, parsed) {
  const rg = ctx.azure();
  const name = parsed.positionals.VM_NAME;
  if (parsed.sub === "add") {
    const pairs = [];
    for (const t of parsed.positionals.TAGS ?? []) {
      const eq = t.indexOf("=");
      if (eq < 0) throw fail(invalidTagFormat(t));
      const [k, v] = [t.slice(0, eq), t.slice(eq + 1)];
      if (!KEY.test(k)) throw fail(invalidTagKey(k));
      if (/[\x00-\x1f\x7f]/.test(v)) throw fail(invalidTagValue);
      pairs.push([k, v]);
    }
    if (pairs.length === 0) return new Exit(0);
    // The az call behind it dies at 120 s (the one way a valid tag fails); no tag is set.
    if (ctx.faults.has("fail")) throw fail(`Error: Failed to add tags to VM '${name}': ${azTimeout}`);
    const found = updateState(ctx.env, (state) => {
      const vm = findVm(state, name, rg);
      if (!vm) return false;
      for (const [k, v] of pairs) vm.tags[k] = v;
      return true;
    });
    if (!found) throw fail(resourceNotFound(name, rg));
    return new Exit(0, { stdout: pairs.map(([k, v]) => `Added tag ${k}=${v} to VM '${name}'\n`).join("") });
  }
  if (parsed.sub === "remove") {
    const keys = parsed.positionals.KEYS ?? [];
    const found = updateState(ctx.env, (state) => {
      const vm = findVm(state, name, rg);
      if (!vm) return false;
      for (const k of keys) delete vm.tags[k];
      return true;
    });
    if (!found) throw fail(resourceNotFound(name, rg));
    return new Exit(0, { stdout: keys.map((k) => `Removed tag '${k}' from VM '${name}'\n`).join("") });
  }
  const vm = findVm(ctx.state(), name, rg);
  if (!vm) throw fail(resourceNotFound(name, rg));
  const keys = Object.keys(vm.tags ?? {}).sort();
  if (keys.length === 0) return new Exit(0, { stdout: `No tags on VM '${name}'.\n` });
  const lines = [
    `Tags for VM '${name}':`,
    `${"Key".padEnd(24)} ${"Value".padEnd(40)}`,
    `${"-".repeat(24)} ${"-".repeat(40)}`,
  ];
  for (const k of keys) lines.push(`${k.padEnd(24)} ${vm.tags[k].padEnd(40)}`);
  return new Exit(0, { stdout: `${lines.join("\n")}\n` });
}
