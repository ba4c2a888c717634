/**
 * dist/hook.js, which hooks/hooks.json runs before every session and every prompt: the hook's
 * front end. Node builtins and a few small modules only, so the usual answer (nothing finished
 * since the last time) costs little more than Node's own start. When the quick look
 * (core/notify/quick-look.ts) may have news, or the event is not one we know, the full hook
 * (dist/hook-core.js, entry hook-main.ts) is loaded from next to this file and does the work.
 */
import { quickLook } from "../core/notify/quick-look.js";
import { HOOK_EVENTS, readStdin, sessionCwd } from "./hook-input.js";

interface HookCore {
  runHook(event: string, input: string): Promise<number>;
}

const event = process.argv[2] ?? "";
const input = await readStdin();
if (event in HOOK_EVENTS && (await quickLook(sessionCwd(input), process.env)) === "none") {
  process.exitCode = 0;
} else {
  const core = (await import(new URL("./hook-core.js", import.meta.url).href)) as HookCore;
  process.exitCode = await core.runHook(event, input);
}
