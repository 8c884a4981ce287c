import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RequestPostedV1 } from '@mutuo/contracts';
import { eventSubject } from '@mutuo/messaging';
import { runOperatorCommand, type OperatorIo } from '@mutuo/service-kit';
import { natsTestPrefix, startServiceUnderTest, TEST_NATS_URL, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';

jest.setTimeout(120_000);

const REGION = 'test-region';

interface Printed extends OperatorIo {
  readonly lines: string[];
  readonly errors: string[];
}

function printed(): Printed {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), ask: () => Promise.resolve(false) };
}

interface ListedDeadLetter {
  sequence: number;
  kind: string;
  original: string;
  reason: string;
}

/**
 * The operator command line against a running matching service: the same database, NATS and configuration, with
 * the service's own replicas working beside the commands.
 */
describe('operator command line against a running service', () => {
  const prefix = natsTestPrefix();
  let sut: ServiceUnderTest;
  let nc: NatsConnection;
  let env: NodeJS.ProcessEnv;

  const run = async (...argv: string[]) => {
    const io = printed();
    const code = await runOperatorCommand(matchingService, argv, { io, env, interactive: false });
    return { code, io };
  };
  const deadLetters = async () => JSON.parse((await run('dead-letters', 'list', '--json')).io.lines.join('\n')) as ListedDeadLetter[];

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, { databasePrefix: 'matching', env: { REGION }, natsPrefix: prefix });
    nc = await connect({ servers: TEST_NATS_URL });
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      REGION,
      DATABASE_ADMIN_URL: sut.db.adminUrl,
      DATABASE_URL: sut.db.appUrl,
      NATS_URL: TEST_NATS_URL,
      NATS_PREFIX: prefix,
      GATEWAY_SHARED_SECRET: sut.gatewaySecret,
      JWT_SECRET: sut.jwtSecret,
    };
  });
  afterAll(async () => {
    await nc?.close();
    await sut?.stop();
  });

  it('says the schema is up to date and the relay is held by the running replica', async () => {
    expect((await run('migrations', 'status')).code).toBe(0);
    const relay = await run('relay', 'status', '--json');
    expect(relay.code).toBe(0);
    expect(JSON.parse(relay.io.lines.join('\n'))).toMatchObject({ relay: 'mutuo:outbox-relay:matching', pendingEvents: 0, relaying: true });
    const table = await run('relay', 'status');
    expect(table.code).toBe(0);
    expect(table.io.lines[1]).toMatch(/^mutuo:outbox-relay:matching .* yes$/);
  });

  it('lists every projection with its lag, and rebuilds one by name only with --yes', async () => {
    const status = await run('projections', 'status', '--json');
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.io.lines.join('\n')) as { projection: string; eventsBehind: number; parkedEvents: number }[];
    expect(rows.map((row) => row.projection)).toEqual(matchingService.projections.map((projection) => projection.name));
    expect(rows.every((row) => row.parkedEvents === 0)).toBe(true);
    const table = await run('projections', 'status');
    expect(table.code).toBe(0);
    expect(table.io.lines).toHaveLength(matchingService.projections.length + 1);

    const name = matchingService.projections[0]!.name;
    expect((await run('projections', 'rebuild', name)).code).toBe(2);
    const rebuilt = await run('projections', 'rebuild', name, '--yes');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.io.lines[0]).toMatch(new RegExp(`^${name} rebuilt in`));

    const unknown = await run('projections', 'rebuild', 'no-such-projection', '--yes');
    expect(unknown.code).toBe(2);
    expect(unknown.io.errors[0]).toContain(`matching has ${name}`);
  });

  it('lists, shows, replays and discards the dead letters of its own consumer', async () => {
    const subject = eventSubject({ prefix, region: REGION, podId: null, type: RequestPostedV1.type });
    await jetstream(nc).publish(subject, 'this is not a CloudEvent', { msgID: randomUUID() });
    const [letter] = await waitFor(async () => ((await deadLetters()).length === 1 ? deadLetters() : undefined), {
      description: 'the malformed message to be dead-lettered',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(letter).toMatchObject({ kind: 'invalid-envelope' });

    const shown = await run('dead-letters', 'show', String(letter!.sequence));
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.io.lines.join('\n'))).toMatchObject({ sequence: letter!.sequence, originalSubject: subject, body: 'this is not a CloudEvent' });

    // A replay without confirmation changes nothing; with it, the message goes back to its subject and, still
    // malformed, is dead-lettered again under a new sequence while the old dead letter is gone.
    expect((await run('dead-letters', 'replay', String(letter!.sequence))).code).toBe(2);
    expect((await deadLetters()).map((listed) => listed.sequence)).toEqual([letter!.sequence]);
    const replayed = await run('dead-letters', 'replay', String(letter!.sequence), '--yes');
    expect(replayed.code).toBe(0);
    const [again] = await waitFor(
      async () => {
        const listed = await deadLetters();
        return listed.length === 1 && listed[0]!.sequence !== letter!.sequence ? listed : undefined;
      },
      { description: 'the replayed message to be dead-lettered again', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(again!.original).not.toBe(letter!.original);

    expect((await run('dead-letters', 'show', String(letter!.sequence))).code).toBe(2);
    expect((await run('dead-letters', 'discard', String(again!.sequence), '--yes')).code).toBe(0);
    expect(await deadLetters()).toEqual([]);
  });

  it('refuses a sequence that is not a number', async () => {
    const result = await run('dead-letters', 'show', 'latest');
    expect(result.code).toBe(2);
    expect(result.io.errors[0]).toContain('the dead letter sequence must be a positive whole number');
  });

  it('answers as a process through npm run mutuo, and refuses a change there without --yes', async () => {
    const mutuo = (...argv: string[]) =>
      promisify(execFile)(process.execPath, [join(__dirname, '..', '..', '..', 'infra', 'scripts', 'mutuo.js'), 'matching', ...argv], {
        env: { ...process.env, ...env },
      }).then(
        (result) => ({ code: 0, ...result }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const status = await mutuo('relay', 'status');
    expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining('mutuo:outbox-relay:matching') });
    const refused = await mutuo('projections', 'rebuild', matchingService.projections[0]!.name);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('run it again with --yes to confirm') });
  });
});
