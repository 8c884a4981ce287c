import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src';

// @mutuo/testing depends on this library, so its tests make their own scratch databases.
const SERVER_URL = process.env.MUTUO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  readonly name: string;
  readonly adminUrl: string;
  urlFor(role: string): string;
  drop(): Promise<void>;
}

/** A uniquely named database that does not exist yet. */
export function scratchDatabase(purpose: string): ScratchDatabase {
  const name = `mutuo_platform_${purpose}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const adminUrl = withDatabase(SERVER_URL, name);
  return {
    name,
    adminUrl,
    urlFor(role) {
      const url = new URL(adminUrl);
      url.username = role;
      return url.toString();
    },
    drop: () => dropDatabase(SERVER_URL, name),
  };
}

export async function createScratchDatabase(purpose: string): Promise<ScratchDatabase> {
  const database = scratchDatabase(purpose);
  await ensureDatabase(SERVER_URL, database.name);
  return database;
}
