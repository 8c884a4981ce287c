import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import {
  DEFAULT_STREAM_SETTINGS,
  applyServiceMessaging,
  checkServiceMessaging,
  connectNats,
  deadLetterStreamName,
  eventStreamName,
  eventSubject,
  natsPasswordVariable,
  publishDeadLetter,
  renderAuthorization,
  serviceMessagingPlan,
  silentLogger,
  supportsMultipleFilterSubjects,
  type ServiceMessagingRole,
} from '../src';
import { ConfiguredNatsServer } from './support/configured-nats-server';

jest.setTimeout(90_000);

const PREFIX = 'mutuo';
const ROLES: ServiceMessagingRole[] = [
  { service: 'membership', consumedTypes: ['matching.match-made.v1'] },
  { service: 'requests', consumedTypes: ['membership.pod-created.v1'] },
  { service: 'matching', consumedTypes: ['requests.request-posted.v1', 'membership.member-joined.v1'] },
];
const USERS = [...ROLES.map((role) => role.service), 'provisioning'];
const password = (user: string) => `${user}-password-for-this-test-only`;
const encoder = new TextEncoder();

describe('per-service NATS credentials from the generated authorization block', () => {
  let server: ConfiguredNatsServer;
  const connections = new Map<string, NatsConnection>();
  const violations = new Map<string, PermissionViolationError[]>();

  const connectAs = async (user: string): Promise<NatsConnection> => {
    const nc = await connectNats(server.url(user, password(user)), `${user}-permissions-spec`, { waitOnFirstConnect: false, maxReconnectAttempts: 0 });
    const seen: PermissionViolationError[] = [];
    violations.set(user, seen);
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'error' && status.error instanceof PermissionViolationError) seen.push(status.error);
    })();
    connections.set(user, nc);
    return nc;
  };
  const planOf = (role: ServiceMessagingRole, nc: NatsConnection) =>
    serviceMessagingPlan({
      prefix: PREFIX,
      service: role.service,
      consumedTypes: role.consumedTypes,
      settings: DEFAULT_STREAM_SETTINGS,
      multipleFilterSubjects: supportsMultipleFilterSubjects(nc),
    });
  const deniedPublish = (user: string, subject: string) =>
    violations.get(user)!.some((violation) => violation.operation === 'publish' && violation.subject === subject);

  beforeAll(async () => {
    server = await ConfiguredNatsServer.start({
      includes: { 'authorization.conf': renderAuthorization({ prefix: PREFIX, roles: ROLES }) },
      env: Object.fromEntries(USERS.map((user) => [natsPasswordVariable(user), password(user)])),
    });
    for (const user of USERS) await connectAs(user);
    const provisioning = connections.get('provisioning')!;
    const jsm = await jetstreamManager(provisioning);
    for (const role of ROLES) {
      const outcomes = await applyServiceMessaging(jsm, planOf(role, provisioning));
      expect(outcomes.filter((outcome) => outcome.outcome === 'failed')).toEqual([]);
    }
  });

  afterAll(async () => {
    for (const nc of connections.values()) await nc.close().catch(() => undefined);
    await server?.destroy();
  });

  it('refuses a user without the right password', async () => {
    await expect(connectNats(server.url('matching', 'wrong'), 'intruder', { waitOnFirstConnect: false, maxReconnectAttempts: 0 })).rejects.toThrow(
      /Authorization/i,
    );
  });

  it('lets every service pass its start check with its own credentials (it may look, not change)', async () => {
    for (const role of ROLES) {
      const nc = connections.get(role.service)!;
      await expect(
        checkServiceMessaging(await jetstreamManager(nc), planOf(role, nc), { createMissing: false, logger: silentLogger }),
      ).resolves.toBeUndefined();
    }
  });

  it('lets a service publish its own events, consume and acknowledge what it reads, dead-letter, and erase from its own stream', async () => {
    const requests = connections.get('requests')!;
    const matching = connections.get('matching')!;
    const posted = eventSubject({ prefix: PREFIX, region: 'north', podId: null, type: 'requests.request-posted.v1' });
    const ack = await jetstream(requests).publish(posted, encoder.encode('{"title":"soup"}'), { msgID: 'posted-1', timeout: 5_000 });
    expect(ack.stream).toBe(eventStreamName(PREFIX, 'requests'));

    const consumer = await jetstream(matching).consumers.get(eventStreamName(PREFIX, 'requests'), 'matching');
    const message = await consumer.next({ expires: 5_000 });
    expect(message?.subject).toBe(posted);
    expect(await message!.ackAck()).toBe(true);
    await publishDeadLetter(jetstream(matching), PREFIX, {
      kind: 'handler-failed',
      reason: 'test',
      consumer: 'matching',
      deliveryCount: 5,
      originalSubject: posted,
      originalStream: ack.stream,
      originalSequence: ack.seq,
      body: message!.data,
    });
    const provisioning = await jetstreamManager(connections.get('provisioning')!);
    expect((await provisioning.streams.info(deadLetterStreamName(PREFIX))).state.messages).toBe(1);

    expect(await (await jetstreamManager(requests)).streams.deleteMessage(ack.stream, ack.seq, true)).toBe(true);
    expect(violations.get('requests')).toEqual([]);
    expect(violations.get('matching')).toEqual([]);
  });

  it("refuses a service publishing another service's events, or dead letters in another consumer's name", async () => {
    const js = jetstream(connections.get('matching')!);
    const forged = eventSubject({ prefix: PREFIX, region: 'north', podId: null, type: 'requests.request-posted.v1' });
    await expect(js.publish(forged, encoder.encode('{}'), { timeout: 1_500 })).rejects.toThrow();
    const foreignDeadLetter = `${PREFIX}.dlq.notifications.handler-failed`;
    await expect(js.publish(foreignDeadLetter, encoder.encode('{}'), { timeout: 1_500 })).rejects.toThrow();

    expect(deniedPublish('matching', forged)).toBe(true);
    expect(deniedPublish('matching', foreignDeadLetter)).toBe(true);
    const provisioning = await jetstreamManager(connections.get('provisioning')!);
    expect((await provisioning.streams.info(eventStreamName(PREFIX, 'requests'))).state.messages).toBe(0);
  });

  it("refuses a service creating or deleting streams and consumers, or pulling from another service's consumer", async () => {
    const matching = connections.get('matching')!;
    const jsm = await jetstreamManager(matching, { timeout: 1_500 });
    await expect(jsm.streams.add({ name: 'MUTUO_ROGUE', subjects: ['rogue.>'] })).rejects.toThrow();
    await expect(jsm.streams.delete(eventStreamName(PREFIX, 'requests'))).rejects.toThrow();
    await expect(jsm.consumers.delete(eventStreamName(PREFIX, 'requests'), 'matching')).rejects.toThrow();
    await expect(jetstream(matching, { timeout: 1_500 }).consumers.get(eventStreamName(PREFIX, 'matching'), 'membership')).rejects.toThrow();

    expect(deniedPublish('matching', '$JS.API.STREAM.CREATE.MUTUO_ROGUE')).toBe(true);
    expect(deniedPublish('matching', `$JS.API.STREAM.DELETE.${eventStreamName(PREFIX, 'requests')}`)).toBe(true);
    expect(deniedPublish('matching', `$JS.API.CONSUMER.DELETE.${eventStreamName(PREFIX, 'requests')}.matching`)).toBe(true);
    expect(deniedPublish('matching', `$JS.API.CONSUMER.INFO.${eventStreamName(PREFIX, 'matching')}.membership`)).toBe(true);
    const provisioning = await jetstreamManager(connections.get('provisioning')!);
    const names: string[] = [];
    for await (const name of provisioning.streams.names()) names.push(name);
    expect(names.sort()).toEqual(['MUTUO_DEAD_LETTERS', 'MUTUO_MATCHING_EVENTS', 'MUTUO_MEMBERSHIP_EVENTS', 'MUTUO_REQUESTS_EVENTS']);
  });
});
