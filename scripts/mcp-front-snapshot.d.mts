import type { FrontSnapshot } from "../src/mcp/front/snapshot.ts";
export function frontSnapshot(coreFile: string): Promise<FrontSnapshot>;
