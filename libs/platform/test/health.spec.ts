import type { AddressInfo } from 'node:net';
import { INestApplication, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from '../src';

/** An app whose root module imports only `imported`. */
function appModule(imported: DynamicModule): DynamicModule {
  @Module({})
  class TestRootModule {}
  return { module: TestRootModule, imports: [imported] };
}

describe('HealthModule', () => {
  let app: INestApplication;
  let baseUrl: string;
  let queueReachable = true;

  beforeAll(async () => {
    const health = HealthModule.register(
      {
        database: async () => undefined,
        queue: async () => {
          if (!queueReachable) throw new Error('connection refused');
        },
      },
      { timeoutMs: 200 },
    );
    app = await NestFactory.create(appModule(health), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('reports the process live', async () => {
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'live' } });
  });

  it('reports ready with every check passing', async () => {
    queueReachable = true;

    expect(await get('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: { status: 'ok' }, queue: { status: 'ok' } } },
    });
  });

  it('answers 503 when a check fails, without the failure details', async () => {
    queueReachable = false;
    const response = await get('/health/ready');

    expect(response).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { database: { status: 'ok' }, queue: { status: 'failed' } } },
    });
    expect(JSON.stringify(response.body)).not.toContain('connection refused');
  });
});

describe('a readiness check that hangs', () => {
  it('counts as failed once its timeout passes', async () => {
    const app = await NestFactory.create(appModule(HealthModule.register({ slow: () => new Promise<void>(() => undefined) }, { timeoutMs: 50 })), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    try {
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);

      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ checks: { slow: { status: 'timeout' } } });
    } finally {
      await app.close();
    }
  });
});
