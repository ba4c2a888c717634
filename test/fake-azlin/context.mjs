// What every subcommand shares: the config file, the resource group rule, auth, faults, and the
// way a handled error ends the process (`Error: ...` on stderr, exit 1).
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { activeFaults, faultText, parseFaults } from "./faults.mjs";
import { readState, sleepSync, statePaths } from "./state.mjs";
import { authFailed, configParseFailed, noResourceGroup } from "./texts.mjs";

/** Ends the command: `stderr` and `stdout` are written as they are, then the process exits. */
export class Exit extends Error {
  constructor(code, { stdout = "", stderr = "" } = {}) {
    super(`exit ${code}`);
    this.code = code;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

export const fail = (stderr, code = 1, stdout = "") => new Exit(code, { stderr: `${stderr}\n`, stdout });

/** Flat TOML as azlin's AzlinConfig reads it; anything else is a parse error (exit 2). */
function parseToml(text, path) {
  const config = {};
  let section = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) return;
    const header = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (header) {
      section = header[1];
      return;
    }
    const kv = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*(.+)$/.exec(line);
    if (!kv) throw fail(configParseFailed(path, `TOML parse error at line ${index + 1}: expected \`=\``), 2);
    let value = kv[2].trim();
    if (/^"(?:[^"\\]|\\.)*"$/.test(value)) value = JSON.parse(value);
    else if (/^'[^']*'$/.test(value)) value = value.slice(1, -1);
    else if (/^-?\d+$/.test(value)) value = Number(value);
    else if (value === "true" || value === "false") value = value === "true";
    else throw fail(configParseFailed(path, `TOML parse error at line ${index + 1}: invalid value`), 2);
    if (section === null) config[kv[1]] = value;
  });
  return config;
}

function loadConfig(env, explicitPath) {
  const path = explicitPath ?? join(env.AZLIN_CONFIG_DIR || join(homedir(), ".azlin"), "config.toml");
  if (!existsSync(path)) {
    if (explicitPath)
      throw fail(`azlin-error: Failed to read config at ${path}: No such file or directory (os error 2)`, 2);
    return {};
  }
  return parseToml(readFileSync(path, "utf8"), path);
}

/**
 * Builds the context of one call of subcommand `op`, in azlin's order: config (exit 2 when bad),
 * then faults are counted and slow calls sleep. Auth and the resource group are checked by the
 * commands that talk to Azure, via `azure()`.
 */
export function makeContext(env, op, opts) {
  const config = loadConfig(env, opts.config);
  const paths = statePaths(env);
  const faults = activeFaults(env, op);
  const slow = faults.get("slow");
  if (slow) sleepWhileSlow(env, op, Math.max(0, (slow.param ?? 1) * 1000));
  const latency = modelledLatencyMs(env, op);
  if (latency > 0) sleepSync(latency);
  return {
    env,
    op,
    opts,
    config,
    paths,
    faults,
    region: () => opts.region ?? config.default_region ?? "westus2",
    /** Auth, then the resource group: what every Azure-touching command does first. */
    azure() {
      if (faults.has("auth")) throw fail(authFailed());
      const rg = opts.rg ?? config.default_resource_group;
      if (!rg) throw fail(noResourceGroup());
      return rg;
    },
    state: () => readState(env),
  };
}

/**
 * FAKE_AZLIN_DELAY_MS models what a real call costs before it does anything (resolving the VM
 * through the Azure CLI, opening a Bastion tunnel): "3000" for every call, or per subcommand,
 * "connect=3000,cp=3000,list=2000,show=2000,new=30000" (a "*" entry for the rest).
 */
export function modelledLatencyMs(env, op) {
  const text = env.FAKE_AZLIN_DELAY_MS?.trim();
  if (!text) return 0;
  if (/^\d+$/.test(text)) return Number(text);
  let fallback = 0;
  for (const entry of text.split(",")) {
    const [name, ms] = entry.split("=").map((w) => w.trim());
    if (!/^\d+$/.test(ms ?? "")) throw new Error(`fake azlin: bad FAKE_AZLIN_DELAY_MS entry '${entry}'`);
    if (name === op) return Number(ms);
    if (name === "*") fallback = Number(ms);
  }
  return fallback;
}

/**
 * A slow call sleeps its full time unless the test lifts the fault meanwhile (a `<state>/fail`
 * without it): then it goes on at once, so a test can hold `new` for "5 minutes", look at what the
 * code under test did meanwhile, and let it finish.
 */
function sleepWhileSlow(env, op, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    sleepSync(Math.min(200, until - Date.now()));
    const still = parseFaults(faultText(env)).some(
      (f) => f.kind === "slow" && (f.op === op || f.op === "any"),
    );
    if (!still) return;
  }
}

/** The --rg/--resource-group option every Azure subcommand declares. */
export const RG_OPTIONS = {
  "--resource-group": { key: "rg", meta: "RESOURCE_GROUP" },
  "--rg": { alias: "--resource-group" },
};
