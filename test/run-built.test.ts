import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVING_MALLOC_ENV, SERVING_NODE_FLAGS } from '../src/bench/serving-env.ts';

const run = promisify(execFile);
let root: string;

/** A package laid out like ours, with the real launcher in scripts/ and a tiny "built" entry. */
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'paperboy-run-built-'));
  for (const dir of ['scripts', 'src/store', 'adapters', 'ingest', 'dist/src']) await mkdir(join(root, dir), { recursive: true });
  for (const file of ['scripts/run-built.mjs', 'scripts/process-settings.mjs']) await copyFile(file, join(root, file));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'src/main.ts', 'src/store/lance-store.ts']) await writeFile(join(root, file), '');
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function launch(...args: string[]) {
  return launchWith(process.env, ...args);
}

async function launchWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'scripts/run-built.mjs'), ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function build(source = 'console.log(JSON.stringify(process.argv.slice(1)));\n') {
  const entry = join(root, 'dist/src/main.js');
  await writeFile(entry, source);
  // Built a minute after the sources were written, as `npm run build` would be.
  const later = new Date(Date.now() + 60_000);
  await utimes(entry, later, later);
  return entry;
}

describe('the launcher of the built runtime', () => {
  it('runs the built entry with the arguments node would give it', async () => {
    const entry = await build();
    const result = await launch('src/main', 'ask', '--json', 'a question');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([entry, 'ask', '--json', 'a question']);
  });

  it.runIf(process.platform === 'linux')('runs an ingest with two malloc arenas and bounded LanceDB scans (less memory), passing its exit code on', async () => {
    const entry = await build();
    const names = ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'LANCE_DEFAULT_IO_BUFFER_SIZE', 'LANCE_DEFAULT_BATCH_SIZE'];
    await writeFile(entry, `console.log(${JSON.stringify(names)}.map((n) => process.env[n] ?? "unset").join(" ")); process.exitCode = process.argv[2] === "ingest" ? 3 : 0;\n`);
    const later = new Date(Date.now() + 60_000);
    await utimes(entry, later, later);
    for (const name of names) delete process.env[name];
    expect(await launch('src/main', 'ingest', 'papers.jsonl')).toMatchObject({ code: 3, stdout: '2 131072 8388608 2048\n' });
    expect(await launch('src/main', 'ask', 'a question')).toMatchObject({ code: 0, stdout: 'unset unset unset unset\n' });
  });

  it("keeps LanceDB's warnings (empty k-means clusters while indexing) off stderr unless the operator asks for them", async () => {
    // A real LanceDB index build over many duplicate vectors: its k-means leaves most clusters empty.
    const lancedb = import.meta.resolve('@lancedb/lancedb');
    await build(`const lancedb = await import(${JSON.stringify(lancedb)});
const dir = require('fs').mkdtempSync(require('path').join(${JSON.stringify(root)}, 'db-'));
const db = await lancedb.connect(dir);
const rows = Array.from({ length: 600 }, (_, i) => ({ id: i, vector: Array.from({ length: 8 }, (_, d) => (d === i % 2 ? 1 : 0)) }));
const table = await db.createTable('t', rows);
await table.createIndex('vector', { config: lancedb.Index.ivfFlat({ numPartitions: 16 }) });
console.log('indexed');
await db.openTable('missing');
`.replace(/^/, '(async () => {\n').concat('})().catch((e) => { console.error(String(e)); process.exitCode = 2; });\n'));
    const env = { ...process.env };
    delete env.LANCEDB_LOG;
    const quiet = await launchWith(env, 'src/main');
    expect(quiet.stdout).toBe('indexed\n');
    expect(quiet.stderr).not.toMatch(/WARN|clusters are empty/);
    // Real failures still surface: LanceDB's errors reach the caller as errors.
    expect(quiet).toMatchObject({ code: 2 });
    expect(quiet.stderr).toMatch(/Table 'missing' was not found/);
    const verbose = await launchWith({ ...env, LANCEDB_LOG: 'warn' }, 'src/main');
    expect(verbose.stderr).toMatch(/WARN +lance_index::vector::kmeans\] KMeans: more than 10% of clusters are empty/);
  });

  it('names a missing build and the command that makes it', async () => {
    const result = await launch('src/main');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^paperboy: dist\/src\/main\.js does not exist \(the build has not run\): run `npm run build`/);
  });

  it('names the source file that is newer than the build instead of running old code', async () => {
    await build();
    const edited = new Date(Date.now() + 120_000);
    await utimes(join(root, 'src/store/lance-store.ts'), edited, edited);
    const result = await launch('src/main');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/the build in dist\/ is older than src\/store\/lance-store\.ts: run `npm run build`/);
  });

  it('passes the SIGTERM a process manager sends to `npm start` on to the bot, instead of orphaning it', async () => {
    await expectSigtermReachesEntry('start');
  });

  it.runIf(process.platform === 'linux')('serves `npm start` with the malloc and heap settings the bench measures serving with, unless the operator set their own', async () => {
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } };
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'launcher-probe', private: true, scripts: { start: scripts.start } }));
    const names = Object.keys(SERVING_MALLOC_ENV);
    await build(`console.log(JSON.stringify({ env: Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n]])), flags: process.execArgv }));\n`);
    const env = { ...process.env };
    for (const name of names) delete env[name];
    const start = async (extra: Record<string, string>) => JSON.parse((await run('npm', ['run', 'start', '--silent'], { cwd: root, env: { ...env, ...extra } })).stdout) as unknown;
    expect(await start({})).toEqual({ env: SERVING_MALLOC_ENV, flags: SERVING_NODE_FLAGS });
    expect(await start({ MALLOC_ARENA_MAX: '8' })).toEqual({ env: { ...SERVING_MALLOC_ENV, MALLOC_ARENA_MAX: '8' }, flags: SERVING_NODE_FLAGS });
    // The operator's node flags replace ours; empty runs node with none.
    expect(await start({ PAPERBOY_NODE_FLAGS: ' --max-semi-space-size=16  --max-old-space-size=512 ' })).toEqual({ env: SERVING_MALLOC_ENV, flags: ['--max-semi-space-size=16', '--max-old-space-size=512'] });
    expect(await start({ PAPERBOY_NODE_FLAGS: '' })).toEqual({ env: SERVING_MALLOC_ENV, flags: [] });
    const wrong = await run('npm', ['run', 'start', '--silent'], { cwd: root, env: { ...env, PAPERBOY_NODE_FLAGS: 'max-old-space-size=512' } }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toMatch(/^paperboy: PAPERBOY_NODE_FLAGS: "max-old-space-size=512" is not a node flag/);
  });

  it.runIf(process.platform === 'linux')('passes a SIGTERM sent to `npm run ingest` on to the ingest it runs with two malloc arenas', async () => {
    delete process.env.MALLOC_ARENA_MAX;
    await expectSigtermReachesEntry('ingest');
  });
});

/**
 * Runs the real package.json's `script` in the probe package with an entry that says when it is
 * up and records the signal it stops on, sends npm a SIGTERM, and expects the entry to get it.
 */
async function expectSigtermReachesEntry(script: 'start' | 'ingest') {
  const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<typeof script, string> };
  // No "type": the probe entry below is CommonJS.
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'launcher-probe', private: true, scripts: { [script]: scripts[script] } }));
  const stopped = join(root, 'stopped');
  const entry = await build(`process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(stopped)}, 'SIGTERM'); process.exit(0); });
setInterval(() => {}, 1000);
console.log('up ' + process.pid);\n`);
  // `npm run ingest` runs the terminal CLI's entry.
  await mkdir(join(root, 'dist/adapters/terminal'), { recursive: true });
  await copyFile(entry, join(root, 'dist/adapters/terminal/cli.js'));
  const later = new Date(Date.now() + 60_000);
  await utimes(join(root, 'dist/adapters/terminal/cli.js'), later, later);

  const npm = spawn('npm', ['run', script, '--silent'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const entryPid = await new Promise<number>((resolve, reject) => {
    npm.stdout.on('data', (d: Buffer) => {
      const m = /up (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    npm.once('exit', (code) => reject(new Error(`npm run ${script} exited with ${code} before its entry was up`)));
  });
  try {
    const npmExited = new Promise((resolve) => npm.once('exit', resolve));
    npm.kill('SIGTERM');
    await npmExited;
    await expect.poll(() => readFile(stopped, 'utf8').catch(() => ''), { timeout: 10_000 }).toBe('SIGTERM');
    await expect.poll(() => alive(entryPid), { timeout: 10_000 }).toBe(false);
  } finally {
    if (alive(entryPid)) process.kill(entryPid, 'SIGKILL');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
