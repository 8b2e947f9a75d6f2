// Runs a built entry point (`npm start`, `npm run ask`, …): plain node on dist/, no TypeScript
// compiler at run time. A missing or stale build is named with the command that fixes it, instead
// of a module-not-found stack or silently running old code.
// Usage: node scripts/run-built.mjs <entry under dist/, without .js> [args…]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** What the build compiles (tsconfig.build.json): any of these newer than the build makes it stale. */
const SOURCE_DIRS = ['src', 'adapters', 'ingest'];
const BUILD_CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

const [entry, ...args] = process.argv.slice(2);
const built = join(root, 'dist', `${entry}.js`);

const problem = buildProblem();
if (problem) {
  process.stderr.write(`paperboy: ${problem}: run \`npm run build\` (or \`npm run dev\` to run from the sources).\n`);
  process.exit(1);
}
// glibc gives each thread its own malloc arena, and LanceDB's many native threads then keep what
// they freed (ingesting a 100 MB file peaked at 567 MB RSS, 415 MB with two arenas); a fixed mmap
// threshold returns Arrow's large buffers to the system when freed, a 1 MB young generation and an
// old generation let grow only 10% past what survives a full collection keep V8 from holding
// 30-80 MB of garbage (between batches, in the statistics recount), two LanceDB I/O threads keep
// fewer reads in flight (the vector index build over 207k chunks held ~90 MB less; on S3 scans get
// slower), an 8 MB read-ahead budget per scan (Lance's default: 2 GB) keeps the index builds over
// 73k papers 30-50 MB smaller, and 2,048-row scan batches (8,192 by default) take ~28 MB more off
// the vector index build (each compute thread holds one batch and its transforms).
// `npm run ingest` sets them all (no second process); run directly, an ingest runs itself again
// with them (an operator's own values win).
if (args[0] === 'ingest' && process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
  const child = spawn(process.execPath, [...process.execArgv, '--max-semi-space-size=1', '--heap-growing-percent=10', fileURLToPath(import.meta.url), entry, ...args], {
    stdio: 'inherit',
    env: {
      MALLOC_MMAP_THRESHOLD_: '131072',
      LANCE_IO_THREADS: '2',
      LANCE_DEFAULT_IO_BUFFER_SIZE: String(8 * 2 ** 20),
      LANCE_DEFAULT_BATCH_SIZE: '2048',
      ...process.env,
      MALLOC_ARENA_MAX: '2',
    },
  });
  // A process manager stops the launcher: the ingest it runs must get the signal too, not run on orphaned.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const [code, signal] = await new Promise((resolve) => child.once('exit', (...ended) => resolve(ended)));
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
}
// The entry sees the argv it would get from `node dist/<entry>.js args…`.
process.argv = [process.argv[0], built, ...args];
await import(pathToFileURL(built).href);

function buildProblem() {
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return `${relative(root, built)} does not exist (the build has not run)`;
  }
  const newer = sourceFiles().find((file) => statSync(file).mtimeMs > builtAt);
  return newer && `the build in dist/ is older than ${relative(root, newer)}`;
}

function sourceFiles() {
  const files = BUILD_CONFIGS.map((f) => join(root, f));
  for (const dir of SOURCE_DIRS) {
    for (const e of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith('.ts')) files.push(join(e.parentPath ?? e.path, e.name));
    }
  }
  return files;
}
