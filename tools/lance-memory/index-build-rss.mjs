// Minimal reproduction, LanceDB only (none of Paperboy's code): how much resident memory building
// a full-text and an IVF-flat index takes as the table grows. Run each size in a fresh process:
//   LANCE_CPU_THREADS=4 node tools/lance-memory/index-build-rss.mjs 50000
//   LANCE_CPU_THREADS=4 MALLOC_ARENA_MAX=2 LANCE_SHUFFLE_BATCH_BYTES=8388608 node tools/lance-memory/index-build-rss.mjs 200000
// Rows are ~600 characters of text and a 256-dimension vector, like Paperboy's chunks.
// Measured (2 cores, LanceDB 0.31), peak RSS after opening (79 MB) / full-text build / IVF-flat build:
//   50k rows:  153 / 371 MB; with 2 arenas and 8 MB shuffles 147 / 256 MB
//   150k rows: 204 / 588 MB; with 2 arenas and 8 MB shuffles 185 / 344 MB
// Both builds grow with the rows indexed, whatever the knobs (LANCE_FTS_NUM_SHARDS and
// LANCE_FTS_PARTITION_SIZE changed the full-text build by under 10 MB).
import * as lancedb from '@lancedb/lancedb';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setInterval } from 'node:timers';

const rows = Number(process.argv[2] ?? 50_000);
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
let peak = 0;
setInterval(() => (peak = Math.max(peak, mb())), 20).unref();
let seed = 1;
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
const row = (i) => ({
  id: `r${i}`,
  text: Array.from({ length: 90 }, () => words[Math.floor(random() ** 2 * words.length)]).join(' '),
  vector: Array.from({ length: 256 }, () => random() - 0.5),
});

const [, , , builtDir] = process.argv;
if (builtDir) {
  // A fresh process that only opens the table and builds its indexes.
  const table = await (await lancedb.connect(builtDir)).openTable('t');
  const report = (step) => process.stdout.write(`${rows} rows  ${step.padEnd(22)} peak ${peak} MB, now ${mb()} MB\n`);
  peak = mb();
  report('opened');
  await table.createIndex('text', { config: lancedb.Index.fts({ withPosition: false }) });
  report('full-text index built');
  await table.createIndex('vector', { config: lancedb.Index.ivfFlat({ distanceType: 'cosine', numPartitions: Math.max(2, Math.round(rows / 4096)) }) });
  report('IVF-flat index built');
} else {
  const dir = await mkdtemp(join(tmpdir(), 'lance-memory-'));
  try {
    const db = await lancedb.connect(dir);
    let table;
    for (let i = 0; i < rows; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, rows - i) }, (_, j) => row(i + j));
      table = table ? (await table.add(batch), table) : await db.createTable('t', batch);
    }
    execFileSync(process.execPath, [process.argv[1], String(rows), dir], { stdio: ['ignore', 'inherit', 'ignore'] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
