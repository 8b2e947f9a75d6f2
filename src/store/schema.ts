import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from 'apache-arrow';

/**
 * Marks a key column for LanceDB: two concurrent `mergeInsert`s of the same new key then
 * conflict instead of both inserting a row.
 */
const PRIMARY_KEY = new Map([['lance-schema:unenforced-primary-key', 'true']]);

/** A ledger's text key column, marked as above: the ledgers' exactly-once claims rely on it. */
export const keyField = (name = 'key') => new Field(name, new Utf8(), false, PRIMARY_KEY);
export const textField = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);

export const PAPERS = 'papers';
export const CHUNKS = 'chunks';
export const META = 'meta';

export const papersSchema = new Schema([
  new Field('id', new Utf8(), false, PRIMARY_KEY),
  new Field('title', new Utf8(), false),
  new Field('abstract', new Utf8(), false),
  // Title + abstract in one column: what the paper-level full-text index searches.
  new Field('text', new Utf8(), false),
  new Field('authors', new Utf8(), false),
  new Field('url', new Utf8(), true),
  new Field('publishedAt', new Utf8(), true),
  new Field('source', new Utf8(), false),
  new Field('addedAt', new Utf8(), false),
  new Field('contentHash', new Utf8(), false),
  new Field('upvotes', new Int32(), true),
  // Source-specific extras (PaperExtras) as JSON: new sources add keys without a schema change.
  new Field('extras', new Utf8(), false),
]);

export function chunksSchema(dimensions: number): Schema {
  return new Schema([
    new Field('id', new Utf8(), false, PRIMARY_KEY),
    new Field('paperId', new Utf8(), false),
    new Field('ord', new Int32(), false),
    new Field('text', new Utf8(), false),
    new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false),
    // The paper text the chunk was cut from (its contentHash); '' in stores written before chunks carried it.
    new Field('contentHash', new Utf8(), false),
  ]);
}

export const metaSchema = new Schema([new Field('key', new Utf8(), false, PRIMARY_KEY), new Field('value', new Utf8(), false)]);

export interface PaperRow {
  id: string;
  title: string;
  abstract: string;
  text: string;
  authors: string;
  url: string | null;
  publishedAt: string | null;
  source: string;
  addedAt: string;
  contentHash: string;
  upvotes: number | null;
  extras: string;
}

export interface ChunkRow {
  id: string;
  paperId: string;
  ord: number;
  text: string;
  vector: number[] | Float32Array;
  contentHash: string;
}
