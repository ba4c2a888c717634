// Types of vm-access.mjs for the TypeScript test helpers.
export function removeVmUser(user: string | null | undefined): void;
export function sshUserFor(paths: { dir: string }, name: string): string;
