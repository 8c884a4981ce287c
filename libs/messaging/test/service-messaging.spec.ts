import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  DEFAULT_STREAM_SETTINGS,
  NatsProvisioningError,
  applyServiceMessaging,
  checkServiceMessaging,
  connectNats,
  eventSubject,
  serviceMessagingPlan,
  serviceMessagingStatus,
  supportsMultipleFilterSubjects,
  type MessagingLogger,
  type ServiceMessagingPlan,
  type StreamSettings,
} from '../src';
import { SHARED_NATS_URL, deleteStreams, uniquePrefix } from './support/nats-fixtures';

jest.setTimeout(60_000);

const DAY_MS = 24 * 60 * 60 * 1000;
const CONSUMED = ['requests.request-posted.v1', 'membership.member-joined.v1'];

function recordingLogger(): MessagingLogger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

describe('provisioning one service: apply, status and the start check', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const prefixes: string[] = [];

  const planFor = (prefix: string, settings: StreamSettings = DEFAULT_STREAM_SETTINGS, consumedTypes = CONSUMED): ServiceMessagingPlan =>
    serviceMessagingPlan({ prefix, service: 'matching', consumedTypes, settings, multipleFilterSubjects: supportsMultipleFilterSubjects(nc) });
  const freshPrefix = () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    return prefix;
  };

  beforeAll(async () => {
    nc = await connectNats(SHARED_NATS_URL, 'service-messaging-spec');
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteStreams(nc, prefix);
    await nc.drain();
  });

  it('refuses in production when nothing is provisioned, in one line naming each missing stream and the command to run', async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    const check = checkServiceMessaging(jsm, planFor(prefix), { createMissing: false, logger: recordingLogger() });

    await expect(check).rejects.toBeInstanceOf(NatsProvisioningError);
    await expect(check).rejects.toThrow(
      `NATS is not provisioned for matching: stream ${token}_MATCHING_EVENTS is missing; stream ${token}_DEAD_LETTERS is missing; ` +
        `stream ${token}_MEMBERSHIP_EVENTS is missing; stream ${token}_REQUESTS_EVENTS is missing. Run: npm run mutuo -- matching streams apply`,
    );
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${token}_`)) names.push(name);
    expect(names).toEqual([]);
  });

  it('applies idempotently: creates the own, dead-letter and producer streams and the consumers, then finds them in line', async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    const settings = { ...DEFAULT_STREAM_SETTINGS, maxAgeMs: 7 * DAY_MS, deadLetterMaxAgeMs: 0, duplicateWindowMs: 60_000 };
    const plan = planFor(prefix, settings);

    const first = await applyServiceMessaging(jsm, plan);
    expect(first.map(({ kind, name, outcome }) => `${kind} ${name} ${outcome}`)).toEqual([
      `stream ${token}_MATCHING_EVENTS created`,
      `stream ${token}_DEAD_LETTERS created`,
      `stream ${token}_MEMBERSHIP_EVENTS created`,
      `stream ${token}_REQUESTS_EVENTS created`,
      `consumer ${token}_MEMBERSHIP_EVENTS/matching created`,
      `consumer ${token}_REQUESTS_EVENTS/matching created`,
    ]);
    expect((await applyServiceMessaging(jsm, plan)).every((outcome) => outcome.outcome === 'unchanged')).toBe(true);
    expect((await jsm.streams.info(`${token}_MATCHING_EVENTS`)).config).toMatchObject({
      max_age: nanos(7 * DAY_MS),
      duplicate_window: nanos(60_000),
      storage: 'file',
    });
    expect((await jsm.streams.info(`${token}_DEAD_LETTERS`)).config.max_age).toBe(0);

    const logger = recordingLogger();
    await checkServiceMessaging(jsm, plan, { createMissing: false, logger });
    expect(logger.lines).toEqual([]);
    expect((await serviceMessagingStatus(jsm, plan)).inLine).toBe(true);
  });

  it("changes its own stream and the dead-letter stream on apply, but never another service's stream", async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    await applyServiceMessaging(jsm, planFor(prefix));
    const longer = planFor(prefix, { ...DEFAULT_STREAM_SETTINGS, maxAgeMs: 60 * DAY_MS });

    const outcomes = await applyServiceMessaging(jsm, longer);
    expect(outcomes.find((outcome) => outcome.name === `${token}_MATCHING_EVENTS`)).toMatchObject({
      outcome: 'updated',
      detail: ['max age 30 d (wanted 60 d)'],
    });
    expect(outcomes.find((outcome) => outcome.name === `${token}_REQUESTS_EVENTS`)).toMatchObject({
      outcome: 'kept',
      detail: ['owned by requests: max age 30 d (wanted 60 d)'],
    });
    expect((await jsm.streams.info(`${token}_MATCHING_EVENTS`)).config.max_age).toBe(nanos(60 * DAY_MS));
    expect((await jsm.streams.info(`${token}_REQUESTS_EVENTS`)).config.max_age).toBe(nanos(30 * DAY_MS));
  });

  it("never changes an existing stream at start: an operator's setting that differs is logged as drift", async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    const plan = planFor(prefix);
    await applyServiceMessaging(jsm, plan);
    // The operator keeps events longer by hand; the next start must not undo it.
    const own = await jsm.streams.info(`${token}_MATCHING_EVENTS`);
    await jsm.streams.update(own.config.name, { ...own.config, max_age: nanos(365 * DAY_MS) });

    const logger = recordingLogger();
    await checkServiceMessaging(jsm, plan, { createMissing: true, logger });

    expect((await jsm.streams.info(`${token}_MATCHING_EVENTS`)).config.max_age).toBe(nanos(365 * DAY_MS));
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', fields: { stream: `${token}_MATCHING_EVENTS`, drift: ['max age 365 d (wanted 30 d)'] } }),
    ]);
    const status = await serviceMessagingStatus(jsm, plan);
    expect(status.inLine).toBe(false);
    expect(status.streams[0]).toMatchObject({ name: `${token}_MATCHING_EVENTS`, exists: true, drift: ['max age 365 d (wanted 30 d)'], maxAge: '365 d' });
  });

  it('creates what is missing outside production, and logs each creation', async () => {
    const prefix = freshPrefix();
    const logger = recordingLogger();
    await checkServiceMessaging(jsm, planFor(prefix), { createMissing: true, logger });

    expect(logger.lines.filter((line) => line.level === 'info' && /^Created missing NATS (stream|consumer)/.test(line.message))).toHaveLength(6);
    expect((await serviceMessagingStatus(jsm, planFor(prefix))).inLine).toBe(true);
  });

  it('refuses to start when a consumer does not deliver a type the code handles, and when a consumer is missing', async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    const original = planFor(prefix, DEFAULT_STREAM_SETTINGS, ['requests.request-posted.v1', 'membership.member-joined.v1']);
    await applyServiceMessaging(jsm, original);
    // The new version handles one more type: until streams apply runs, its consumer would never deliver it.
    const newer = planFor(prefix, DEFAULT_STREAM_SETTINGS, ['requests.request-posted.v1', 'requests.request-edited.v1', 'membership.member-joined.v1']);
    // (On 2.9 the consumer filters the new plan's service-wide subject instead: still not what the old consumer delivers.)
    await expect(checkServiceMessaging(jsm, newer, { createMissing: false, logger: recordingLogger() })).rejects.toThrow(
      new RegExp(`consumer matching on ${token}_REQUESTS_EVENTS filters .*, not .* which the code handles`),
    );
    await jsm.consumers.delete(`${token}_MEMBERSHIP_EVENTS`, 'matching');
    await expect(checkServiceMessaging(jsm, original, { createMissing: false, logger: recordingLogger() })).rejects.toThrow(
      `NATS is not provisioned for matching: consumer matching on ${token}_MEMBERSHIP_EVENTS is missing. Run: npm run mutuo -- matching streams apply`,
    );
  });

  it('refuses a consumer whose filter leaves out a handled type', async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    const plan = planFor(prefix, DEFAULT_STREAM_SETTINGS, ['requests.request-posted.v1']);
    await applyServiceMessaging(jsm, plan);
    await jsm.consumers.update(`${token}_REQUESTS_EVENTS`, 'matching', { filter_subject: `${prefix}.evt.*.*.requests.request-edited.v1` });

    await expect(checkServiceMessaging(jsm, plan, { createMissing: true, logger: recordingLogger() })).rejects.toThrow(
      `consumer matching on ${token}_REQUESTS_EVENTS filters ${prefix}.evt.*.*.requests.request-edited.v1, not ${prefix}.evt.*.*.requests.request-posted.v1 which the code handles`,
    );
    expect((await serviceMessagingStatus(jsm, plan)).consumers[0]).toMatchObject({ undelivered: [`${prefix}.evt.*.*.requests.request-posted.v1`] });
  });

  it('reports messages, pending, ack-pending and redelivered per consumer', async () => {
    const prefix = freshPrefix();
    const token = prefix.toUpperCase();
    const plan = planFor(prefix, DEFAULT_STREAM_SETTINGS, ['requests.request-posted.v1']);
    await applyServiceMessaging(jsm, plan);
    const js = jetstream(nc);
    const publish = (index: number) =>
      js.publish(eventSubject({ prefix, region: 'r', podId: null, type: 'requests.request-posted.v1' }), new TextEncoder().encode(`{"n":${index}}`));
    await publish(0);
    const consumer = await js.consumers.get(`${token}_REQUESTS_EVENTS`, 'matching');
    (await consumer.next({ expires: 5_000 }))!.nak();
    expect((await consumer.next({ expires: 5_000 }))!.info.deliveryCount).toBe(2);
    await publish(1);
    await publish(2);

    const status = await serviceMessagingStatus(jsm, plan);
    expect(status.streams.find((stream) => stream.name === `${token}_REQUESTS_EVENTS`)).toMatchObject({ messages: 3 });
    expect(status.consumers[0]).toMatchObject({ exists: true, pending: 2, ackPending: 1, redelivered: 1, drift: [], undelivered: [] });
  });
});
