/**
 * Busy-ness lives ON the machine, so it holds across laptops: a run holds a slot directory
 * `.amplihack-remote/slots/<n>` (made with an atomic mkdir, holding an `owner` file with the run
 * id and the time). A machine has `capacity` slots (1 for now; pools will pass more).
 *
 * A slot is stale, and may be taken over, when its run finished long ago (heartbeat older than
 * `staleAfterSeconds` and exit_code written) or never showed a heartbeat at all for that long
 * after the slot was made. A run whose heartbeat stopped without an exit_code keeps its slot: it
 * may be paused rather than dead, and a VM with a stuck slot is found by `amplihack-remote vms`.
 *
 * The scripts run under flock on `.amplihack-remote/slots/.lock` (util-linux, present on Ubuntu
 * and Debian), so the check-then-reclaim of a stale slot cannot race another laptop.
 */

import { AREA } from "../../remote/protocol.js";
import { RemoteError } from "../../util/errors.js";
import { shellQuote } from "../../util/shell-quote.js";
import type { ExecOptions, Machine } from "../types.js";

export interface SlotPolicy {
  capacity: number;
  staleAfterSeconds: number;
}

export const DEFAULT_SLOT_POLICY: SlotPolicy = { capacity: 1, staleAfterSeconds: 600 };

export const SLOTS_DIR = `${AREA}/slots`;

/** Exit code of the acquire script when every slot is held by a live run. */
export const ALL_SLOTS_BUSY = 10;

type Exec = Pick<Machine, "exec" | "name">;

/** Shell functions shared by the three scripts: owner fields and the staleness rule. */
function prelude(policy: SlotPolicy): string {
  return `
set -u
area=${AREA}
base=${SLOTS_DIR}
stale_after=${Math.floor(policy.staleAfterSeconds)}
# The runs of a batch claim on one machine side by side, each in a script of its own: builtins where
# a builtin will do (bash's EPOCHSECONDS; the test before mkdir), as every process here is paid per run.
[ -d "$base" ] || mkdir -p "$base" || exit 3
locked=
if command -v flock >/dev/null 2>&1; then
  exec 9>"$base/.lock"
  flock -w 60 9 || { echo "amplihack-remote: the slot lock on this machine is held for more than 60 s" >&2; exit 4; }
  locked=1
fi
now=\${EPOCHSECONDS:-}
case $now in ''|*[!0-9]*) now=$(date +%s) ;; esac
# read and case are builtins: a claim checks every slot under the lock, and a sed | head per slot
# made the runs of a batch, which claim on one VM at once, wait on each other for processes.
# owner_is sets $field, in this shell: a claim looks at every slot, and $(...) is a fork each.
owner_is() {
  field=
  [ -f "$1/owner" ] || return 0
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in "$2="*) field=\${l#"$2="}; return 0 ;; esac
  done 2>/dev/null < "$1/owner"
}
owner_field() {
  owner_is "$1" "$2"
  if [ -n "$field" ]; then printf '%s\\n' "$field"; fi
}
slot_created() {
  c=$(owner_field "$1" created)
  case "$c" in ''|*[!0-9]*) c=$(stat -c %Y "$1" 2>/dev/null || echo "$now") ;; esac
  echo "$c"
}
is_stale() {
  run=$(owner_field "$1" run_id)
  rd="$area/runs/$run"
  if [ -n "$run" ] && [ -f "$rd/heartbeat" ]; then
    beat=$(cat "$rd/heartbeat" 2>/dev/null)
    case "$beat" in ''|*[!0-9]*) beat=0 ;; esac
    [ $((now - beat)) -gt "$stale_after" ] && [ -f "$rd/exit_code" ]
  else
    [ $((now - $(slot_created "$1"))) -gt "$stale_after" ]
  fi
}
# Under the lock no reader can see the owner file half written; without flock it is written aside
# and renamed into place.
take() {
  if [ -n "$locked" ]; then
    printf 'run_id=%s\\ncreated=%s\\n' "$run_id" "$now" > "$1/owner"
  else
    printf 'run_id=%s\\ncreated=%s\\n' "$run_id" "$now" > "$1/owner.tmp" && mv -f "$1/owner.tmp" "$1/owner"
  fi
}
`;
}

export function acquireSlotScript(runId: string, policy: SlotPolicy = DEFAULT_SLOT_POLICY): string {
  const capacity = Math.max(1, Math.floor(policy.capacity));
  return `${prelude(policy)}
run_id=${shellQuote(runId)}
n=0
while [ "$n" -lt ${capacity} ]; do
  if [ -d "$base/$n" ]; then
    owner_is "$base/$n" run_id
    if [ "$field" = "$run_id" ]; then echo "slot $n"; exit 0; fi
  fi
  n=$((n + 1))
done
n=0
while [ "$n" -lt ${capacity} ]; do
  # The test first (a builtin): the runs of a batch claim one after another, each past the slots taken.
  if [ ! -d "$base/$n" ] && mkdir "$base/$n" 2>/dev/null; then take "$base/$n"; echo "slot $n"; exit 0; fi
  n=$((n + 1))
done
n=0
while [ "$n" -lt ${capacity} ]; do
  if is_stale "$base/$n"; then
    old=$(owner_field "$base/$n" run_id)
    rm -rf -- "$base/$n" && mkdir "$base/$n" && take "$base/$n" && { echo "slot $n reclaimed \${old:-unknown}"; exit 0; }
  fi
  n=$((n + 1))
done
n=0
while [ "$n" -lt ${capacity} ]; do
  echo "busy $n $(owner_field "$base/$n" run_id)"
  n=$((n + 1))
done
exit ${ALL_SLOTS_BUSY}
`;
}

const releaseBody = (runId: string) => `
run_id=${shellQuote(runId)}
for d in "$base"/*; do
  [ -d "$d" ] || continue
  if [ "$(owner_field "$d" run_id)" = "$run_id" ]; then rm -rf -- "$d" && echo "released \${d##*/}"; fi
done
`;

const readBody = `
for d in "$base"/*; do
  [ -d "$d" ] || continue
  state=active
  is_stale "$d" && state=stale
  printf 'slot\\t%s\\t%s\\t%s\\t%s\\n' "\${d##*/}" "$(owner_field "$d" run_id)" "$(slot_created "$d")" "$state"
done
`;

/** Frees the run's slot, then prints the slots left: whether the VM is still in use costs no second connection. */
export function releaseSlotScript(runId: string, policy: SlotPolicy = DEFAULT_SLOT_POLICY): string {
  return `${prelude(policy)}${releaseBody(runId)}${readBody}exit 0
`;
}

/**
 * The last run out of a pool VM deletes it; "last" must be decided and held in one step under the
 * lock: two runs ending together would each see the other and both keep the VM (a leak), and a
 * slot freed before the delete could be taken by a queued run that then loses its VM. So: when no
 * other live run holds a slot, this run keeps its own (nobody can join) and prints `last`; the
 * caller deletes the VM. Otherwise it frees its slot and prints the slots left.
 */
export function releaseUnlessLastScript(runId: string, policy: SlotPolicy = DEFAULT_SLOT_POLICY): string {
  return `${prelude(policy)}
run_id=${shellQuote(runId)}
others=0
for d in "$base"/*; do
  [ -d "$d" ] || continue
  [ "$(owner_field "$d" run_id)" = "$run_id" ] && continue
  is_stale "$d" || others=$((others + 1))
done
if [ "$others" -eq 0 ]; then echo last; exit 0; fi
${releaseBody(runId)}${readBody}exit 0
`;
}

export function readSlotsScript(policy: SlotPolicy = DEFAULT_SLOT_POLICY): string {
  return `${prelude(policy)}${readBody}exit 0
`;
}

export type SlotAcquisition =
  | { acquired: true; slot: string; reclaimedFrom: string | null }
  | { acquired: false; holders: string[] };

export interface SlotState {
  slot: string;
  runId: string | null;
  /** Epoch seconds the slot was taken. */
  createdEpoch: number | null;
  stale: boolean;
}

function scriptFailed(machine: Exec, what: string, r: { exitCode: number; stderr: string }): RemoteError {
  return new RemoteError(
    "remote-failed",
    `Could not ${what} on ${machine.name} (exit ${r.exitCode}): ${r.stderr.trim().split("\n")[0] ?? ""}`,
    "Check the machine's disk space and that flock and coreutils are installed, then retry.",
  );
}

/** Where a probe's answer begins in the claim's output (acquireSlot). */
const PROBE_MARK = "AR-PROBE";

/**
 * Claims a slot for the run. With `probe`, that bash also runs in the same connection once the slot
 * is taken (each connection costs seconds), and its stdout comes back as `probed`; a probe that
 * fails leaves the claim as it is.
 */
export async function acquireSlot(
  machine: Exec,
  runId: string,
  policy: SlotPolicy = DEFAULT_SLOT_POLICY,
  options: ExecOptions = {},
  probe?: string,
): Promise<SlotAcquisition & { probed?: string }> {
  const claim = acquireSlotScript(runId, policy);
  const script = probe
    ? `( ${claim}\n)\nrc=$?\nif [ "$rc" = 0 ]; then printf '%s\\n' ${PROBE_MARK}; ( ${probe}\n) 2>/dev/null; fi\nexit "$rc"`
    : claim;
  const r = await machine.exec(script, { timeoutMs: 120_000, ...options });
  const all = r.stdout.split("\n");
  const mark = probe ? all.indexOf(PROBE_MARK) : -1;
  const lines = (mark >= 0 ? all.slice(0, mark) : all).filter(Boolean);
  if (r.exitCode === 0) {
    const m = /^slot (\S+)(?: reclaimed (\S+))?$/.exec(lines[lines.length - 1] ?? "");
    const probed = mark >= 0 ? { probed: all.slice(mark + 1).join("\n") } : {};
    if (m) return { acquired: true, slot: m[1], reclaimedFrom: m[2] ?? null, ...probed };
  }
  if (r.exitCode === ALL_SLOTS_BUSY) {
    const holders = lines.map((l) => l.split(" ")[2]).filter((h): h is string => Boolean(h));
    return { acquired: false, holders };
  }
  throw scriptFailed(machine, "take a run slot", r);
}

/** Frees the run's slot and returns the slots the machine still has (held by other runs or stale). */
export async function releaseSlot(
  machine: Exec,
  runId: string,
  policy: SlotPolicy = DEFAULT_SLOT_POLICY,
  options: ExecOptions = {},
): Promise<SlotState[]> {
  const r = await machine.exec(releaseSlotScript(runId, policy), { timeoutMs: 120_000, ...options });
  if (r.exitCode !== 0) throw scriptFailed(machine, "free the run slot", r);
  return parseSlots(r.stdout);
}

/** See releaseUnlessLastScript: `last` (slot still held, delete the VM) or the other runs on it. */
export async function releaseSlotUnlessLast(
  machine: Exec,
  runId: string,
  policy: SlotPolicy = DEFAULT_SLOT_POLICY,
  options: ExecOptions = {},
): Promise<{ last: true } | { last: false; others: string[] }> {
  const r = await machine.exec(releaseUnlessLastScript(runId, policy), { timeoutMs: 120_000, ...options });
  if (r.exitCode !== 0) throw scriptFailed(machine, "free the run slot", r);
  if (r.stdout.split("\n").includes("last")) return { last: true };
  const others = parseSlots(r.stdout)
    .filter((slot) => !slot.stale && slot.runId !== runId)
    .map((slot) => slot.runId ?? "?");
  return { last: false, others };
}

export async function readSlots(
  machine: Exec,
  policy: SlotPolicy = DEFAULT_SLOT_POLICY,
  options: ExecOptions = {},
): Promise<SlotState[]> {
  const r = await machine.exec(readSlotsScript(policy), { timeoutMs: 120_000, ...options });
  if (r.exitCode !== 0) throw scriptFailed(machine, "read the run slots", r);
  return parseSlots(r.stdout);
}

function parseSlots(stdout: string): SlotState[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("slot\t"))
    .map((l) => {
      const [, slot, run, created, state] = l.split("\t");
      const createdEpoch = Number(created);
      return {
        slot,
        runId: run || null,
        createdEpoch: Number.isFinite(createdEpoch) && created !== "" ? createdEpoch : null,
        stale: state === "stale",
      };
    });
}

/** A machine is busy when a live (not stale) run holds a slot. */
export const isBusy = (slots: SlotState[]) => slots.some((s) => !s.stale);

/** When the machine's most recent run ended (epoch seconds), or null when none has. */
export async function readLastRunEnd(machine: Exec, options: ExecOptions = {}): Promise<number | null> {
  const script = `stat -c %Y ${AREA}/runs/*/exit_code 2>/dev/null | sort -n | tail -n 1`;
  const r = await machine.exec(script, { timeoutMs: 120_000, ...options });
  if (r.exitCode !== 0) throw scriptFailed(machine, "read when the last run ended", r);
  const epoch = Number(r.stdout.trim());
  return r.stdout.trim() && Number.isFinite(epoch) ? epoch : null;
}
