// Runs a built entry point (`npm start`, `npm run ask`, …): plain node on dist/, no TypeScript
// compiler at run time. A missing or stale build is named with the command that fixes it, instead
// of a module-not-found stack or silently running old code.
// Usage: node scripts/run-built.mjs <entry under dist/, without .js> [args…]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVERY_PROCESS_ENV, processSettings } from './process-settings.mjs';

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
// Settings every process starts with (LanceDB's log: errors only), unless the operator set them.
for (const [name, value] of Object.entries(EVERY_PROCESS_ENV)) process.env[name] ??= value;
// An ingest needs its malloc and V8 settings from the start (scripts/process-settings.mjs says
// why). `npm run ingest` starts node with them (no second process); run directly, an ingest runs
// itself again with them.
if (args[0] === 'ingest' && process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
  let settings;
  try {
    settings = processSettings('ingest');
  } catch (e) {
    process.stderr.write(`paperboy: ${e.message}\n`);
    process.exit(1);
  }
  const { env, nodeFlags } = settings;
  const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags, fileURLToPath(import.meta.url), entry, ...args], { stdio: 'inherit', env });
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
