/** A chunk's paper and the hash of the text it was cut from ('' for chunks written before chunks carried it). */
export interface ChunkVersion {
  paperId: string;
  contentHash: string;
}

/**
 * Which chunks belong to their paper's stored text (`hashes`: paper id → contentHash): those cut
 * from it, and chunks without a hash while the paper has none of its own text yet (a store
 * written before chunks carried hashes, until the paper's text changes).
 */
export function isCurrentChunk(hashes: Map<string, string>, chunks: ChunkVersion[]): (c: ChunkVersion) => boolean {
  const hashed = new Set(chunks.filter((c) => c.contentHash !== '' && c.contentHash === hashes.get(c.paperId)).map((c) => c.paperId));
  return (c) => hashes.has(c.paperId) && (c.contentHash === '' ? !hashed.has(c.paperId) : c.contentHash === hashes.get(c.paperId));
}
