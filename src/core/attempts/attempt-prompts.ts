/**
 * Best of N as a batch: the same prompt N times. A batch of different prompts and attempts of one
 * prompt are two different requests; asking both at once is refused rather than guessed at.
 */
import { RemoteError } from "../../util/errors.js";

export function attemptPrompts(attempts: number | undefined, prompts: string[]): string[] {
  // Out of range: left to the options schema, which refuses it with its own rule.
  if (!attempts || !Number.isInteger(attempts) || attempts < 2 || attempts > 8) return prompts;
  if (prompts.length !== 1) {
    throw new RemoteError(
      "usage",
      `--attempts runs one prompt several times, and ${prompts.length} prompts were given.`,
      "Give one prompt with --attempts, or several prompts without it.",
    );
  }
  return Array.from({ length: attempts }, () => prompts[0]);
}
