// The front end's snapshot (src/mcp/front/snapshot.ts): the full server's own answers to initialize,
// tools/list and a method it does not serve, the methods it serves, recorded by running the freshly built dist/server-core.js over the SDK's
// in-memory transport, and the SDK constants the front end needs, taken from that same bundle.
// Nothing is written by hand, so a changed tool, description or SDK shows up in the front end at
// the next build (and test/plugin/bundle.test.ts fails until it is committed).
import { pathToFileURL } from "node:url";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";

/** A protocol version no SDK supports: the answer to it must be the SDK's latest. */
const UNSUPPORTED_VERSION = "1999-01-01";

/** @returns {Promise<import("../src/mcp/front/snapshot.ts").FrontSnapshot>} */
export async function frontSnapshot(coreFile) {
  const core = await import(pathToFileURL(coreFile).href);
  const [client, server] = InMemoryTransport.createLinkedPair();
  const waiting = new Map();
  // As on the wire: what a client receives is the JSON text of the answer.
  client.onmessage = (message) => waiting.get(message.id)?.(JSON.parse(JSON.stringify(message)));
  const mcp = core.createServer();
  // The request methods the server serves, from the SDK's own table of handlers (a private field of
  // Protocol in SDK v1: if a later SDK moves it, the build stops here rather than guess).
  const handlers = mcp.server._requestHandlers;
  if (!(handlers instanceof Map) || mcp.server.fallbackRequestHandler !== undefined) {
    throw new Error(
      "The SDK no longer keeps its request handlers in Protocol._requestHandlers (or has a fallback handler): update scripts/mcp-front-snapshot.mjs to find the methods the server serves.",
    );
  }
  await mcp.connect(server);
  await client.start();
  let nextId = 0;
  const ask = (method, params) => {
    const id = ++nextId;
    const answer = new Promise((resolve) => waiting.set(id, resolve));
    return client.send({ jsonrpc: "2.0", id, method, params }).then(() => answer);
  };
  const clientInfo = { name: "amplihack-remote-build", version: "0" };
  const initialize = async (protocolVersion) => {
    const answer = await ask("initialize", { protocolVersion, capabilities: {}, clientInfo });
    if (!answer.result)
      throw new Error(`initialize failed while recording the snapshot: ${JSON.stringify(answer)}`);
    return answer.result;
  };

  const versions = [...core.SUPPORTED_PROTOCOL_VERSIONS];
  const latest = core.LATEST_PROTOCOL_VERSION;
  const { protocolVersion, ...rest } = await initialize(latest);
  // The front end negotiates as answers.ts says (the client's version if supported, else the
  // latest); check that this is still what the SDK does, for every version it knows and one it does not.
  for (const requested of [...versions, UNSUPPORTED_VERSION]) {
    const expected = versions.includes(requested) ? requested : latest;
    const answer = await initialize(requested);
    if (
      answer.protocolVersion !== expected ||
      JSON.stringify({ ...answer, protocolVersion }) !== JSON.stringify({ protocolVersion, ...rest })
    ) {
      throw new Error(
        `The SDK answers initialize(${requested}) with ${JSON.stringify(answer)}: the front end's negotiation (src/mcp/front/answers.ts) must follow it.`,
      );
    }
  }
  const unknown = await ask("amplihack-remote/no-such-method");
  if (!unknown.error)
    throw new Error(
      `A method nobody serves was answered while recording the snapshot: ${JSON.stringify(unknown)}`,
    );
  const tools = await ask("tools/list");
  if (!tools.result)
    throw new Error(`tools/list failed while recording the snapshot: ${JSON.stringify(tools)}`);
  await client.close();
  return {
    protocolVersions: versions,
    latestProtocolVersion: latest,
    initialize: rest,
    toolsList: tools.result,
    methods: [...handlers.keys()].sort(),
    unknownMethod: unknown.error,
    maxBufferSize: core.STDIO_DEFAULT_MAX_BUFFER_SIZE,
  };
}
