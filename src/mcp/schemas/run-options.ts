/**
 * The run options as tool arguments: generated from core/options.ts (same rules, same defaults,
 * same messages) with the descriptions of core/option-docs.ts, so a new option needs no wiring here.
 */
import { z } from "zod";
import { runOptionsInputShape } from "../../core/option-docs.js";

export const runOptionsInput = runOptionsInputShape();

export const repoPathInput = z
  .string()
  .min(1)
  .optional()
  .describe("The git repository to work on (default: the project Claude Code runs in)");
