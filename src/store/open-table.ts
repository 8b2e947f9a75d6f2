import type { Connection, Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { setTimeout as sleep } from 'node:timers/promises';

/** What Lance says of a table another process is creating right now: listed, but with no version yet. */
const NOT_YET_READABLE = /not found/i;

/**
 * Opens table `name`, creating it empty when absent. Two processes starting on a fresh store at
 * once race here: one can see the other's table listed before its first version is committed, so
 * that answer is retried briefly.
 */
export async function openOrCreateTable(connection: Connection, name: string, schema: Schema, { attempts = 10, baseMs = 50 } = {}): Promise<Table> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await connection.tableNames()).includes(name) ? await connection.openTable(name) : await connection.createEmptyTable(name, schema, { existOk: true });
    } catch (e) {
      if (attempt >= attempts || !NOT_YET_READABLE.test((e as Error).message)) throw e;
      await sleep(baseMs * attempt);
    }
  }
}
