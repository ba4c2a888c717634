/**
 * Which messages the front end may answer itself: those the SDK is certain to accept, checked
 * without zod. The checks follow the SDK's schemas (types.js: JSONRPCRequestSchema,
 * InitializeRequestParamsSchema, ClientCapabilitiesSchema, PaginatedRequestParamsSchema) and err
 * on the side of "not sure": a message that fails them is not refused here, it goes to the full
 * server, whose SDK answers it (with its own error, if any) exactly as it always has. So a check
 * that is too strict costs a load of the full server, never a different answer.
 */

type Json = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Json =>
  v !== null && typeof v === "object" && !Array.isArray(v);

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

/**
 * Params with no `_meta` (whose progress token and task fields the SDK checks): the requests the
 * front end answers carry none from the clients we know, and one that does goes to the SDK.
 */
const paramsWithoutMeta = (v: unknown): v is Json | undefined =>
  v === undefined || (isPlainObject(v) && v._meta === undefined);

const PARAMS: Record<string, (params: Json | undefined) => boolean> = {
  initialize: (p) =>
    p !== undefined &&
    isString(p.protocolVersion) &&
    capabilitiesOk(p.capabilities) &&
    clientInfoOk(p.clientInfo),
  "tools/list": (p) => optional(p?.cursor, isString),
  ping: () => true,
  "notifications/initialized": () => true,
};

export interface Message {
  id?: string | number;
  method: string;
  params?: Json;
}

/**
 * The message, if it is a JSON-RPC request or notification (JSONRPCRequestSchema and
 * JSONRPCNotificationSchema are strict: no other keys) for one of the methods the front end
 * serves, with params the SDK is sure to accept; else null.
 */
export function servedMessage(value: unknown): Message | null {
  if (!isPlainObject(value) || value.jsonrpc !== "2.0" || typeof value.method !== "string") return null;
  if (!Object.keys(value).every((k) => k === "jsonrpc" || k === "id" || k === "method" || k === "params")) {
    return null;
  }
  const { id, method, params } = value;
  const isNotification = method.startsWith("notifications/");
  if (isNotification ? id !== undefined : !(typeof id === "string" || Number.isSafeInteger(id))) return null;
  const check = PARAMS[method];
  if (!check || !paramsWithoutMeta(params) || !check(params)) return null;
  return value as unknown as Message;
}
