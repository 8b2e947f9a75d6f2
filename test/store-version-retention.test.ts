import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { openStore } from '../src/store/lance-store.ts';

const DAY_MS = 24 * 60 * 60_000;
const embedder = new HashedEmbedder();
let dir: string;
const open = () => openStore({ uri: join(dir, 'db'), embedder: { name: embedder.name, dimensions: embedder.dimensions } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-retention-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('table versions kept by the clean-up', () => {
  it('keeps a version created over 7 days ago that an ingest has just replaced, so a reader holding it still reads it', async () => {
    const papers = await readPaperFile('data/papers.txt');
    let store = await open();
    await ingestPapers(papers.slice(0, 50), { store, embedder });
    store.close();
    // The store as a week-old run left it: LanceDB stamps versions with its native clock, so the
    // stamps are moved back in its own files rather than a clock faked on our side.
    for (const manifest of await manifests(join(dir, 'db'))) await backdate(manifest, 8 * DAY_MS);

    store = await open();
    const held = [];
    for (const name of ['papers', 'chunks']) {
      const table = await store.connection.openTable(name);
      const version = await table.version();
      expect((await table.listVersions()).find((v) => v.version === version)!.timestamp.getTime()).toBeLessThan(Date.now() - 7 * DAY_MS);
      held.push({ name, version, rows: await table.countRows() });
      table.close();
    }
    await ingestPapers(papers.slice(50), { store, embedder });

    for (const { name, version, rows } of held) {
      const reader = await store.connection.openTable(name);
      expect(await reader.version()).toBeGreaterThan(version);
      await reader.checkout(version);
      expect(await reader.countRows()).toBe(rows);
      expect((await reader.query().select(['id']).toArray()).length).toBe(rows);
      reader.close();
    }
    expect(await store.countChunks()).toBeGreaterThan(held[1]!.rows);
    store.close();
  }, 120_000);
});

async function manifests(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.filter((p) => /(^|\/)_versions\/[^/]+\.manifest$/.test(p)).map((p) => join(root, p));
}

/**
 * Moves a Lance manifest's commit time `ms` earlier, in place. The file ends with the offset of
 * the manifest message (u64 little-endian) and 8 more bytes; the message, after a u32 length, is
 * protobuf whose field 7 is a google.protobuf.Timestamp. Its seconds are rewritten at the same
 * varint width, so nothing else in the file moves.
 */
async function backdate(file: string, ms: number) {
  const b = await readFile(file);
  const start = Number(b.readBigUInt64LE(b.length - 16));
  const end = start + 4 + b.readUInt32LE(start);
  let at = start + 4;
  const varint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = b[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  while (at < end) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire !== 2) throw new Error(`${file}: unexpected protobuf wire type ${wire}`);
    else if (tag >>> 3 !== 7) {
      const length = varint(); // read before `at` is: `at += varint()` would add to the old `at`
      at += length;
    } else {
      varint();
      if (b[at++] !== 0x08) throw new Error(`${file}: the timestamp does not start with its seconds`);
      const from = at;
      let seconds = varint() - Math.round(ms / 1000);
      for (let i = from; i < at; i++, seconds = Math.floor(seconds / 128)) b[i] = (seconds % 128) | (i < at - 1 ? 0x80 : 0);
      if (seconds !== 0) throw new Error(`${file}: the earlier time needs another varint width`);
      return writeFile(file, b);
    }
  }
  throw new Error(`${file}: no timestamp in the manifest`);
}
