import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { connectNats, ensureConsumer, ensureStreams, planConsumers, supportsMultipleFilterSubjects } from '../src';
import { SHARED_NATS_URL, deleteStreams, uniquePrefix } from './support/nats-fixtures';

jest.setTimeout(30_000);

describe('stream and consumer provisioning', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    nc = await connectNats(SHARED_NATS_URL, 'provisioning-spec');
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await deleteStreams(nc, prefix);
    await nc.drain();
  });

  it('creates one file-backed event stream per service and the dead-letter stream, idempotently', async () => {
    const first = await ensureStreams(jsm, { prefix, services: ['requests', 'membership'] });
    const again = await Promise.all([ensureStreams(jsm, { prefix, services: ['requests'] }), ensureStreams(jsm, { prefix, services: ['requests'] })]);
    const token = prefix.toUpperCase();
    expect(first).toEqual({
      eventStreams: { requests: `${token}_REQUESTS_EVENTS`, membership: `${token}_MEMBERSHIP_EVENTS` },
      deadLetterStream: `${token}_DEAD_LETTERS`,
    });
    expect(again[0].eventStreams).toEqual({ requests: `${token}_REQUESTS_EVENTS` });

    const requests = await jsm.streams.info(`${token}_REQUESTS_EVENTS`);
    expect(requests.config).toMatchObject({
      subjects: [`${prefix}.evt.*.*.requests.>`],
      storage: 'file',
      duplicate_window: nanos(120_000),
    });
    expect((await jsm.streams.info(`${token}_DEAD_LETTERS`)).config.subjects).toEqual([`${prefix}.dlq.>`]);
  });

  it('updates a stream whose settings changed', async () => {
    await ensureStreams(jsm, { prefix, services: ['requests'], duplicateWindowMs: 60_000 });
    expect((await jsm.streams.info(`${prefix.toUpperCase()}_REQUESTS_EVENTS`)).config.duplicate_window).toBe(nanos(60_000));
  });

  it('creates a durable pull consumer with explicit acks, and updates it in place', async () => {
    const multiple = supportsMultipleFilterSubjects(nc);
    const [plan] = planConsumers(prefix, 'matching', ['requests.request-posted.v1'], { multipleFilterSubjects: multiple });
    const created = await ensureConsumer(jsm, plan!, { ackWaitMs: 10_000, maxDeliver: 7 });
    expect(created.config).toMatchObject({
      durable_name: 'matching',
      ack_policy: 'explicit',
      ack_wait: nanos(10_000),
      max_deliver: 7,
      filter_subject: `${prefix}.evt.*.*.requests.request-posted.v1`,
    });
    expect(created.config.deliver_subject).toBeUndefined();
    const same = await ensureConsumer(jsm, plan!, { ackWaitMs: 10_000, maxDeliver: 7 });
    expect(same.created).toEqual(created.created);
    const updated = await ensureConsumer(jsm, plan!, { ackWaitMs: 20_000, maxDeliver: 9 });
    expect(updated.config).toMatchObject({ ack_wait: nanos(20_000), max_deliver: 9 });
  });

  it('knows whether the server takes several filter subjects per consumer', () => {
    // nats-server 2.9 (Debian's) does not; 2.10 and later do.
    const version = nc.info!.version;
    expect(supportsMultipleFilterSubjects(nc)).toBe(!/^2\.[0-9]\./.test(version));
  });
});
