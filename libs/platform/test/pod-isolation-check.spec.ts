import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { podIsolationProblems, podRowLevelSecuritySql, withPgClient } from '../src';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';

describe('podIsolationProblems', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase('pod_isolation');
    await withPgClient(database.adminUrl, (client) =>
      client.query(`
        ${EVENT_STORE_SCHEMA_SQL}
        create table pod_notes (id uuid primary key, pod_id uuid not null);
        ${podRowLevelSecuritySql('pod_notes')}
        create table pod_directory (pod_id uuid primary key, region_id uuid not null);
        create table half_done (id uuid primary key, pod_id uuid not null);
        alter table half_done enable row level security;
        create table regions (id uuid primary key);
      `),
    );
  });
  afterAll(() => database?.drop());

  it('names each table with pod_id that row-level security does not isolate (enabled, forced, with a policy)', async () => {
    expect(await podIsolationProblems(database.adminUrl, {})).toEqual([
      'half_done has pod_id but no row-level security policy: add podRowLevelSecuritySql, or exempt it saying why its rows are not pod data',
      'pod_directory has pod_id but no row-level security policy: add podRowLevelSecuritySql, or exempt it saying why its rows are not pod data',
    ]);
  });

  it('accepts an exemption with a reason, and refuses one without, or one that no longer fits', async () => {
    expect(await podIsolationProblems(database.adminUrl, { pod_directory: 'pods and their regions', half_done: 'still to do' })).toEqual([]);
    expect(await podIsolationProblems(database.adminUrl, { pod_directory: ' ', half_done: 'x', pod_notes: 'isolated anyway', regions: 'no pod here' })).toEqual(
      [
        'pod_directory is exempted without a reason',
        'pod_notes is exempted but row-level security isolates it: drop the exemption',
        'regions is exempted but has no pod_id column (or does not exist): drop the exemption',
      ],
    );
  });
});
