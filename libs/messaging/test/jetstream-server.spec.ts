import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { RequestPostedV1, type RequestPostedV1Data } from '@mutuo/contracts';
import { query, streamName } from '@mutuo/event-store';
import { Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  JetStreamContext,
  EventController,
  JetStreamServer,
  OutboxRelay,
  connectNats,
  deadLetterStreamName,
  eventContext,
  readDeadLetterHeaders,
  silentLogger,
  type ReceivedEvent,
} from '../src';
import { SHARED_NATS_URL, deleteStreams, readStream, uniquePrefix, waitFor } from './support/nats-fixtures';
import { appendRequests, requestPosted, requestsEventStore } from './support/request-events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

jest.setTimeout(60_000);

@EventController()
class RequestPostedController {
  @EventPattern(RequestPostedV1.type)
  async onRequestPosted(@Payload() event: ReceivedEvent<RequestPostedV1Data>, @Ctx() context: JetStreamContext): Promise<void> {
    if (event.data.title === 'fail') throw new Error(`cannot match request ${event.data.requestId}`);
    await query(event.em, 'insert into seen_requests (request_id, title, same_event, correlation_id) values (?, ?, ?, ?)', [
      event.data.requestId,
      event.data.title,
      context.getEvent().id === event.id,
      eventContext.get()?.correlationId ?? null,
    ]);
  }
}

@Module({ controllers: [RequestPostedController] })
class MatchingTestModule {}

describe('JetStreamServer (NestJS transport)', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let app: INestMicroservice;
  let server: JetStreamServer;
  let relay: OutboxRelay;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    db = await createTestDatabase('create table seen_requests (request_id uuid primary key, title text not null, same_event boolean, correlation_id text);');
    nc = await connectNats(SHARED_NATS_URL, 'jetstream-server-spec');
    server = new JetStreamServer({
      nats: { url: SHARED_NATS_URL, name: 'matching-test' },
      consumer: 'matching',
      prefix,
      entityManager: () => db.em,
      maxDeliveries: 2,
      retryBackoff: { initialMs: 100, maxMs: 200 },
      logger: silentLogger,
    });
    app = await NestFactory.createMicroservice(MatchingTestModule, { strategy: server, logger: false });
    await app.listen();
    relay = new OutboxRelay({ entityManager: db.em, nats: nc, lockConnection: db.url, pollIntervalMs: 100, logger: silentLogger });
    relay.start();
  });

  afterAll(async () => {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
    await app.close();
    await deleteStreams(nc, prefix);
    await nc.drain();
    await db.drop();
  });

  it('delivers an appended event through the outbox to an @EventPattern handler', async () => {
    const [appended] = await appendRequests(
      requestsEventStore(prefix, () => relay.nudge()),
      db.em,
      randomUUID(),
      1,
    );
    const requestId = (appended!.data as RequestPostedV1Data).requestId;

    const rows = await waitFor(
      async () => {
        const found = await db.sql<{ request_id: string; title: string; same_event: boolean; correlation_id: string }>('select * from seen_requests');
        return found.length > 0 && found;
      },
      { what: 'the handler to run' },
    );
    expect(rows).toEqual([{ request_id: requestId, title: '#1', same_event: true, correlation_id: `corr-${requestId}` }]);
    expect(server.stats()).toMatchObject({ handled: 1, deadLettered: 0 });
    expect(server.unwrap<NatsConnection>().isClosed()).toBe(false);
  });

  it('dead-letters an event whose handler keeps failing, with the handler error as reason', async () => {
    const store = requestsEventStore(prefix, () => relay.nudge());
    const podId = randomUUID();
    const requestId = randomUUID();
    await store.append(db.em.fork(), streamName('request', podId, requestId), [requestPosted(podId, requestId, 'fail')], 'no_stream');

    await waitFor(() => server.stats()?.deadLettered === 1, { what: 'dead-lettering' });
    const jsm = await jetstreamManager(nc);
    const [letter] = await readStream(jsm, deadLetterStreamName(prefix));
    expect(readDeadLetterHeaders(letter!.header)).toMatchObject({
      kind: 'handler-failed',
      reason: `Handler failed 2 times: cannot match request ${requestId}`,
      deliveryCount: 2,
    });
  });
});
