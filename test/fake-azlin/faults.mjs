// Fault injection: AZLIN_FAKE_FAIL="<op>:<kind>[:<param>],..." (plus the same syntax in the file
// <state-dir>/fail, which tests can change while the code under test holds a copy of the env),
// where op is a subcommand name
// (new, list, show, tag, connect, cp, kill, destroy, status, start, stop) or "any".
// - slow:<seconds>        sleeps before the call does its work (every call)
// - drop:<ms>             connect: the link dies <ms> after the command started (every call while set)
// - cut                   connect: the network is gone: new links exit 255, open ones die within 100 ms
// - ssh255-after:<n>      the n-th call of the op and every later one dies with ssh's 255
// - any other kind        fires on every call, or with :<count> only on the first <count> calls
// Kinds used by the commands: auth, quota, sku, timeout, timeout-gone, egress, notfound, ssh255,
// transient, fail, corrupt. Calls are counted per op in the state file, so counts hold across processes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bumpCounter, statePaths } from "./state.mjs";

export function parseFaults(text) {
  if (!text) return [];
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      const [op, kind, param] = raw.split(":");
      if (!op || !kind) throw new Error(`fake azlin: bad AZLIN_FAKE_FAIL entry '${raw}'`);
      return { op, kind, param: param === undefined ? undefined : Number(param), raw };
    });
}

/** Counts this call and returns the faults that fire for it, as a Set of kinds plus their specs. */
export function faultText(env) {
  let fromFile = "";
  try {
    fromFile = readFileSync(join(statePaths(env).dir, "fail"), "utf8").trim();
  } catch {
    // no file: the environment alone decides
  }
  return [env.AZLIN_FAKE_FAIL, fromFile].filter(Boolean).join(",");
}

export function activeFaults(env, op) {
  const specs = parseFaults(faultText(env)).filter((f) => f.op === op || f.op === "any");
  const fired = new Map();
  if (specs.length === 0) return fired;
  const opCall = bumpCounter(env, `calls:${op}`);
  const anyCall = specs.some((f) => f.op === "any") ? bumpCounter(env, "calls:any") : 0;
  for (const f of specs) {
    const call = f.op === "any" ? anyCall : opCall;
    let fires;
    if (f.kind === "slow" || f.kind === "drop" || f.kind === "cut") fires = true;
    else if (f.kind === "ssh255-after") fires = call >= (f.param ?? 1);
    else fires = f.param === undefined || call <= f.param;
    if (fires) fired.set(f.kind, f);
  }
  return fired;
}

/** Whether the `cut` fault is set for `connect` now (read without counting a call: open links poll it). */
export function cutNow(env) {
  try {
    return parseFaults(faultText(env)).some(
      (f) => (f.op === "connect" || f.op === "any") && f.kind === "cut",
    );
  } catch {
    return false; // a half-written fault file: read again on the next tick
  }
}
