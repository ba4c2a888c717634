/**
 * What the front end answers with: the full server's own answers, recorded at build time by
 * scripts/mcp-front-snapshot.mjs (which runs the real server over the SDK's in-memory transport)
 * and embedded in dist/server.js. Nothing here is written by hand.
 *
 * None of it depends on the environment the server runs in: serverInfo, capabilities,
 * instructions and the tool list are constants of the code (the tool context, which reads the
 * environment, is only used by handlers). Only the protocol version depends on the client, and the
 * front end negotiates it with the SDK's own list of versions (answers.ts).
 */
export interface FrontSnapshot {
  /** The SDK's SUPPORTED_PROTOCOL_VERSIONS. */
  protocolVersions: readonly string[];
  /** The SDK's LATEST_PROTOCOL_VERSION: the answer to a client asking for a version not in the list. */
  latestProtocolVersion: string;
  /** The full server's initialize result without protocolVersion (capabilities, serverInfo, instructions). */
  initialize: Record<string, unknown>;
  /** The full server's tools/list result. */
  toolsList: Record<string, unknown>;
  /** The request methods the full server has a handler for; any other gets `unknownMethod`. */
  methods: readonly string[];
  /** The full server's error for a request to a method it has no handler for ("Method not found"). */
  unknownMethod: Record<string, unknown>;
  /** The SDK's stdio read buffer limit (STDIO_DEFAULT_MAX_BUFFER_SIZE): past it, the transport closes. */
  maxBufferSize: number;
}
