// The settings a Paperboy process starts with, one source for `npm start` and `npm run ingest`
// (package.json), the launcher's own re-run of an ingest (run-built.mjs) and the crash torture's
// writers (tools/torture/). They act as the process starts, so they are environment variables
// and node flags, never `.env`; an operator's own value of each variable wins, and
// PAPERBOY_NODE_FLAGS (space-separated, may be empty) replaces the command's node flags.
//
// As a command it prints the words `env` needs to start node with them, for package.json:
//   exec env $(node scripts/process-settings.mjs serve) scripts/run-built.mjs src/main
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Every process: LanceDB's Rust log (read as its native module loads) shows errors, not warnings. */
export const EVERY_PROCESS_ENV = { LANCEDB_LOG: 'error' };

/**
 * glibc gives each thread its own malloc arena, and LanceDB's many native threads then keep what
 * they freed; a fixed mmap threshold returns Arrow's large buffers to the system when freed.
 * - serve (`npm start`): serving a 100k-paper store peaked at 408-477 MB with glibc's defaults and
 *   367 MB with these malloc settings; a question allocates ~6 MB and retrieval's memoised analyses
 *   die old, so an 8 MB semi-space and 1.5x old-space growth held V8's heap near 75 MB instead of
 *   ~150 MB (serving peak 357 -> 243-246 MB, 300 questions).
 * - ingest (`npm run ingest`): ingesting a 100 MB file peaked at 567 MB RSS, 415 MB with two arenas;
 *   a 1 MB young generation and an old generation let grow only 10% past what survives a full
 *   collection keep V8 from holding 30-80 MB of garbage (between batches, in the statistics
 *   recount); two LanceDB I/O threads keep fewer reads in flight (the vector index build over 207k
 *   chunks held ~90 MB less); an 8 MB read-ahead budget per scan (Lance's default: 2 GB) keeps the
 *   index builds over 73k papers 30-50 MB smaller, and 2,048-row scan batches (8,192 by default)
 *   take ~28 MB more off the vector index build (each compute thread holds one batch). On S3 scans
 *   get slower with these: set LANCE_IO_THREADS and LANCE_DEFAULT_IO_BUFFER_SIZE higher there.
 */
export const PROFILES = {
  serve: {
    env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' },
    nodeFlags: ['--max-semi-space-size=8', '--heap-growing-percent=50'],
  },
  ingest: {
    env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', LANCE_IO_THREADS: '2', LANCE_DEFAULT_IO_BUFFER_SIZE: String(8 * 2 ** 20), LANCE_DEFAULT_BATCH_SIZE: '2048' },
    nodeFlags: ['--max-semi-space-size=1', '--heap-growing-percent=10'],
  },
};

/**
 * The environment and node flags a process of `profile` starts with, given the caller's environment.
 * @param {keyof typeof PROFILES} profile
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ env: NodeJS.ProcessEnv, nodeFlags: string[] }}
 * @example
 * const { env, nodeFlags } = processSettings('ingest');
 * spawn(process.execPath, [...nodeFlags, 'worker.js'], { env });
 */
export function processSettings(profile, env = process.env) {
  return { env: { ...defaultsOf(profile), ...env }, nodeFlags: nodeFlags(profile, env) };
}

/** @param {keyof typeof PROFILES} profile */
function defaultsOf(profile) {
  const known = PROFILES[profile];
  if (!known) throw new Error(`unknown process profile "${profile}" (one of: ${Object.keys(PROFILES).join(', ')})`);
  return { ...EVERY_PROCESS_ENV, ...known.env };
}

/**
 * @param {keyof typeof PROFILES} profile
 * @param {NodeJS.ProcessEnv} env
 */
function nodeFlags(profile, env) {
  const own = env.PAPERBOY_NODE_FLAGS;
  if (own === undefined) return [...PROFILES[profile].nodeFlags];
  const words = own.split(/\s+/).filter(Boolean);
  const notAFlag = words.find((w) => !w.startsWith('-'));
  if (notAFlag !== undefined) throw new Error(`PAPERBOY_NODE_FLAGS: "${notAFlag}" is not a node flag (give flags like --max-old-space-size=512, separated by spaces)`);
  return words;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const profile = /** @type {keyof typeof PROFILES} */ (process.argv[2]);
    const defaults = defaultsOf(profile);
    const flags = nodeFlags(profile, process.env);
    // Only the variables the caller left unset: an operator's own values reach node through the
    // environment untouched by the shell, which splits these words.
    const unset = Object.entries(defaults).filter(([name]) => process.env[name] === undefined);
    process.stdout.write([...unset.map(([name, value]) => `${name}=${value}`), 'node', ...flags].join(' '));
  } catch (e) {
    process.stderr.write(`paperboy: ${e instanceof Error ? e.message : String(e)}\n`);
    // `env` then runs `false`, so the script stops here with exit 1 instead of running the launcher as a program.
    process.stdout.write('false');
    process.exitCode = 1;
  }
}
