/**
 * The chain a continued run belongs to, oldest first (run A → run B → run C), from the parent ids
 * in the run records. A record that names a parent no longer known ends the walk there.
 */
import type { StateStore } from "../../state/store.js";

export async function runChain(store: StateStore, runId: string): Promise<string[]> {
  const { runs } = await store.read();
  const chain: string[] = [];
  for (let id: string | null = runId; id && !chain.includes(id); id = runs[id]?.parentRunId ?? null) {
    chain.unshift(id);
    if (!runs[id]) break;
  }
  return chain;
}

export const formatChain = (chain: string[]): string => chain.join(" → ");
