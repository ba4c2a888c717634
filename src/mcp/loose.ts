/**
 * A tool's output schema as clients see it: the same fields, but every object accepts fields it does
 * not name, so a field a later version adds never turns a good result into a client's validation
 * error (MCP clients validate `structuredContent` against `outputSchema`).
 */
import { z } from "zod";

export function loosenShape(shape: z.ZodRawShape): z.ZodRawShape {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, loosenAny(v as z.ZodType)]));
}

function loosenAny(schema: z.ZodType): z.ZodType {
  const described = (s: z.ZodType) => (schema.description ? s.describe(schema.description) : s);
  if (schema instanceof z.ZodObject) return described(z.looseObject(loosenShape(schema.shape)));
  if (schema instanceof z.ZodArray) return described(z.array(loosenAny(schema.element as z.ZodType)));
  if (schema instanceof z.ZodNullable) return described(loosenAny(schema.unwrap() as z.ZodType).nullable());
  if (schema instanceof z.ZodOptional) return described(loosenAny(schema.unwrap() as z.ZodType).optional());
  return schema;
}
