/**
 * Which messages the front end may answer itself: those the SDK is certain to accept, checked
 * without zod. The checks follow the SDK's schemas (types.js: JSONRPCRequestSchema,
 * InitializeRequestParamsSchema, ClientCapabilitiesSchema, PaginatedRequestParamsSchema) and err
 * on the side of "not sure": a message that fails them is not refused here, it goes to the full
 * server, whose SDK answers it (with its own error, if any) exactly as it always has. So a check
 * that is too strict costs a load of the full server, never a different answer.
 */

type Json = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** The SDK's AssertObjectSchema: any non-null object (arrays included). */
const isObject = (v: unknown) => v !== null && typeof v === "object";

const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
const isString = (v: unknown) => typeof v === "string";
const isBoolean = (v: unknown) => typeof v === "boolean";
const isRecordOfObjects = (v: unknown) => isPlainObject(v) && Object.values(v).every(isObject);
/** A z.object whose listed keys are optional non-null objects (other keys are the SDK's to ignore). */
const objectsAt =
  (...keys: string[]) =>
  (v: unknown) =>
    isPlainObject(v) && keys.every((k) => optional(v[k], isObject));

/** ClientCapabilitiesSchema, key by key; keys it does not know are stripped by the SDK, so they pass. */
const CAPABILITIES: Record<string, (v: unknown) => boolean> = {
  experimental: isRecordOfObjects,
  extensions: isRecordOfObjects,
  sampling: objectsAt("context", "tools"),
  roots: (v) => isPlainObject(v) && optional(v.listChanged, isBoolean),
  elicitation: (v) =>
    isPlainObject(v) &&
    optional(v.form, (f) => isPlainObject(f) && optional(f.applyDefaults, isBoolean)) &&
    optional(v.url, isObject),
  tasks: (v) =>
    isPlainObject(v) &&
    objectsAt("list", "cancel")(v) &&
    optional(
      v.requests,
      (r) =>
        isPlainObject(r) &&
        optional(r.sampling, objectsAt("createMessage")) &&
        optional(r.elicitation, objectsAt("create")),
    ),
};

function capabilitiesOk(v: unknown): boolean {
  return isPlainObject(v) && Object.entries(v).every(([key, value]) => CAPABILITIES[key]?.(value) ?? true);
}

/** ImplementationSchema; icons (an array of checked entries) are left to the SDK. */
function clientInfoOk(v: unknown): boolean {
  return (
    isPlainObject(v) &&
    isString(v.name) &&
    isString(v.version) &&
    v.icons === undefined &&
    ["title", "websiteUrl", "description"].every((k) => optional(v[k], isString))
  );
}

/** The SDK's RequestIdSchema and ProgressTokenSchema: a string or a (safe) integer. */
const isId = (v: unknown) => typeof v === "string" || Number.isSafeInteger(v);

/**
 * Params as the SDK's RequestSchema and NotificationSchema take them: absent, or an object whose
 * `_meta` (a loose object) has a valid progress token if any. A related-task entry (checked by the
 * SDK, and a path of its own in it) is left to the SDK.
 */
const paramsOk = (v: unknown): v is Json | undefined =>
  v === undefined ||
  (isPlainObject(v) &&
    optional(
      v._meta,
      (m) =>
        isPlainObject(m) &&
        optional(m.progressToken, isId) &&
        m["io.modelcontextprotocol/related-task"] === undefined,
    ));

/** The requests whose params the SDK checks further, with those checks. */
const PARAMS: Record<string, (params: Json | undefined) => boolean> = {
  initialize: (p) =>
    p !== undefined &&
    isString(p.protocolVersion) &&
    capabilitiesOk(p.capabilities) &&
    clientInfoOk(p.clientInfo),
  "tools/list": (p) => optional(p?.cursor, isString),
};

export interface Message {
  id?: string | number;
  method: string;
  params?: Json;
}

/**
 * The message, if it is a JSON-RPC request, or one of the notifications the front end keeps
 * (JSONRPCRequestSchema and JSONRPCNotificationSchema are strict: no other keys), with params the
 * SDK is sure to accept; else null. A request to a method of `PARAMS` must also pass its check; a
 * request to another method is answered by the full server without looking at its params (the
 * handler, or "Method not found"), so the envelope is all there is to check.
 */
export function servedMessage(value: unknown): Message | null {
  if (!isPlainObject(value) || value.jsonrpc !== "2.0" || typeof value.method !== "string") return null;
  if (!Object.keys(value).every((k) => k === "jsonrpc" || k === "id" || k === "method" || k === "params")) {
    return null;
  }
  const { id, method, params } = value;
  if (!paramsOk(params)) return null;
  if (method === "notifications/initialized" && id === undefined) return value as unknown as Message;
  const check = PARAMS[method];
  if (!isId(id) || (check && !check(params))) return null;
  return value as unknown as Message;
}
