/**
 * What every command prints on stdout: a result (as text, or as JSON checked against its view
 * schema in core/views/, so `--json` has the very shape of the MCP tool's outputSchema) or an
 * error (its two lines on stderr, and with `--json` also `{"error": {...}}` on stdout).
 */
import type { z } from "zod";
import { asRemoteError, type RemoteError } from "../util/errors.js";
import { writeErr, writeOut } from "./stdio.js";

type Write = (text: string) => void;

/**
 * Parses `data` with the command's view schema, then prints what the schema gives: a shape that
 * drifted from the MCP tool's fails here, loudly, rather than in a user's script. (`data` is
 * checked at run time: core's interfaces lack the index signature of the views' loose objects.)
 */
export function printJson(schema: z.ZodType, data: unknown, write: Write = writeOut): void {
  write(`${JSON.stringify(schema.parse(data), null, 2)}\n`);
}

export function printText(text: string, write: Write = writeOut): void {
  write(`${text}\n`);
}

/** Prints a failure the one way every command does, and returns its exit code. */
export function printError(
  err: unknown,
  json: boolean,
  out: { stdout: Write; stderr: Write } = { stdout: writeOut, stderr: writeErr },
): number {
  const e: RemoteError = asRemoteError(err);
  if (json) out.stdout(`${JSON.stringify({ error: e.toJSON() }, null, 2)}\n`);
  out.stderr(`amplihack-remote: ${e.toUserText()}\n`);
  return e.exitCode;
}
