// Types of process-settings.mjs for the TypeScript that imports it (tools/, test/).
export declare const EVERY_PROCESS_ENV: Readonly<Record<string, string>>;
export declare const PROFILES: Readonly<Record<'serve' | 'ingest', { env: Readonly<Record<string, string>>; nodeFlags: readonly string[] }>>;
export declare function processSettings(profile: keyof typeof PROFILES, env?: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; nodeFlags: string[] };
