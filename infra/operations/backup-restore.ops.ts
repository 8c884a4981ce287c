import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventStreamName } from '@mutuo/messaging';
import { dropDatabase, mintDevToken, withPgClient } from '@mutuo/platform';
import { TEST_NATS_URL, TEST_POSTGRES_URL, waitFor } from '@mutuo/testing';
import { CURRENT_VERSION, ServiceProcesses } from './service-processes';

/**
 * The backup procedure of docs/operations.md ("Backing up and restoring"), for one service: `pg_dump -Fc` of its
 * database while it runs, the database dropped, `pg_restore` into a new one, the service started again. Its events,
 * read models (projections) and checkpoints are as they were, it answers as before, and what it appends next is
 * published once, with nothing republished.
 */
const POSTED = 12;
const POST = `mutation($input: PostRequestInput!) { postRequest(input: $input) { id status } }`;
const OPEN = `query { openRequests(first: 50) { edges { node { id title } } } }`;

/** Every table's row count, and a digest of the event log in order: what a restore must bring back. */
async function stateOf(adminUrl: string): Promise<{ tables: Record<string, number>; events: string }> {
  return withPgClient(adminUrl, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by tablename`);
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = Number((await client.query<{ count: string }>(`select count(*) from "${name}"`)).rows[0]!.count);
    const { rows } = await client.query<{ digest: string }>(
      `select md5(coalesce(string_agg(event_id::text || ':' || global_position || ':' || data::text, ',' order by global_position), '')) as digest from mutuo_events`,
    );
    return { tables: counts, events: rows[0]!.digest };
  });
}

describe('Backing up and restoring a service database', () => {
  const requests = new ServiceProcesses('requests', { REQUEST_EXPIRY_ENABLED: 'false' });
  const podId = randomUUID();
  const folder = mkdtempSync(join(tmpdir(), 'mutuo-backup-'));
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL, name: 'mutuo-backup-test' });
  });
  afterAll(async () => {
    await requests.cleanup();
    await nc?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('brings back events, projections and checkpoints from a dump taken while the service ran', async () => {
    await requests.migrate(CURRENT_VERSION);
    const first = await requests.start(CURRENT_VERSION);
    const token = await mintDevToken({ subject: 'person-backup', podId, roles: ['member'] }, { secret: requests.jwtSecret });
    const graphql = async (url: string, query: string, variables: object = {}) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-mutuo-gateway-secret': requests.gatewaySecret },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
      return body.data;
    };
    const post = (url: string, title: string) =>
      graphql(url, POST, { input: { title, description: 'Groceries for the week', language: 'en', category: 'GROCERIES', location: { cell: 'eycs21' } } });
    const openTitles = async (url: string) =>
      ((await graphql(url, OPEN)) as { openRequests: { edges: { node: { title: string } }[] } }).openRequests.edges.map((edge) => edge.node.title).sort();
    for (let index = 0; index < POSTED; index++) await post(first.url, `Need ${String(index).padStart(2, '0')}`);
    await waitFor(async () => (await openTitles(first.url)).length === POSTED, { description: `${POSTED} open requests in the read model`, timeoutMs: 30_000 });

    const stream = eventStreamName(requests.prefix, 'requests');
    const jsm = await jetstreamManager(nc);
    const publishedRows = async () =>
      withPgClient(requests.adminUrl, async (client) =>
        Number((await client.query<{ count: string }>('select count(*) from mutuo_events where publish_subject is not null')).rows[0]!.count),
      );
    await waitFor(async () => (await jsm.streams.info(stream)).state.messages === (await publishedRows()), {
      description: 'the outbox to be published',
      timeoutMs: 30_000,
    });

    // The backup, taken while the service runs.
    const dump = join(folder, `${requests.database}.dump`);
    execFileSync('pg_dump', ['-Fc', '-d', requests.adminUrl, '-f', dump]);
    const before = await stateOf(requests.adminUrl);
    const titles = await openTitles(first.url);

    // Disaster: the service stops and its database is lost.
    await requests.stop(first.process);
    await dropDatabase(TEST_POSTGRES_URL, requests.database);

    // Restore: an empty database of the same name, the dump into it (owners and grants included: the roles exist).
    execFileSync('createdb', [`--maintenance-db=${TEST_POSTGRES_URL}`, requests.database]);
    execFileSync('pg_restore', ['--exit-on-error', '-d', requests.adminUrl, dump]);
    expect(await stateOf(requests.adminUrl)).toEqual(before);
    const second = await requests.start(CURRENT_VERSION);
    expect(await openTitles(second.url)).toEqual(titles);

    // It carries on: a new request is projected and published once; nothing from before is published again.
    const streamBefore = (await jsm.streams.info(stream)).state.messages;
    await post(second.url, 'Need after restore');
    await waitFor(async () => (await openTitles(second.url)).length === POSTED + 1, { description: 'the new request in the read model', timeoutMs: 30_000 });
    await waitFor(async () => (await jsm.streams.info(stream)).state.messages > streamBefore, { description: 'the new event published', timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await jsm.streams.info(stream)).state.messages).toBe(await publishedRows());
  });
});
