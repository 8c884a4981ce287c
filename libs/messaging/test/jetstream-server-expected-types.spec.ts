import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EventController, JetStreamServer, eventPatternTypes, silentLogger } from '../src';

@EventController()
class TrackRequests {
  @EventPattern('requests.request-posted.v1')
  async posted(): Promise<void> {}
}

@Module({ controllers: [TrackRequests] })
class TrackingModule {}

describe('JetStreamServer and the declared event types', () => {
  it('refuses to start when its handlers differ from the types the operator command line provisions', async () => {
    expect(eventPatternTypes(TrackingModule)).toEqual(['requests.request-posted.v1']);
    const server = new JetStreamServer({
      // Never reached: the check comes before connecting.
      nats: { url: 'nats://127.0.0.1:1', name: 'expected-types-spec' },
      consumer: 'matching',
      entityManager: () => ({}) as EntityManager,
      logger: silentLogger,
      expectedTypes: ['requests.request-posted.v1', 'requests.request-edited.v1'],
    });
    const app = await NestFactory.createMicroservice(TrackingModule, { strategy: server, logger: false });
    try {
      await expect(app.listen()).rejects.toThrow(
        "The event handlers differ from the module's @EventPattern metadata (handled but not declared: none; declared but not handled: requests.request-edited.v1)",
      );
    } finally {
      await app.close();
    }
  });
});
