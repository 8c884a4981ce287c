import { Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, installGracefulShutdown } from '../src';
import { CapturedLogs } from './support/captured-logs';

const events: string[] = [];
let releaseConsumer: () => void = () => undefined;

@Injectable()
class Consumer implements OnModuleDestroy {
  static hang = false;

  async onModuleDestroy(): Promise<void> {
    events.push('consumer stopping');
    if (Consumer.hang) await new Promise<void>((resolve) => (releaseConsumer = resolve));
    events.push('consumer stopped');
  }
}

@Module({ providers: [Consumer] })
class WorkerModule {}

function exitRecorder() {
  let settle: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (settle = resolve));
  return { exited, exit: (code: number) => settle(code) };
}

describe('installGracefulShutdown', () => {
  const logger = createLogger('platform-test', 'info', new CapturedLogs());
  let uninstall: () => void = () => undefined;

  beforeEach(() => {
    events.length = 0;
  });

  afterEach(() => uninstall());

  it('closes the app on SIGTERM, letting providers stop, then exits 0', async () => {
    Consumer.hang = false;
    const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const { exited, exit } = exitRecorder();
    uninstall = installGracefulShutdown(app, logger, { timeoutMs: 2000, exit });

    process.emit('SIGTERM');

    expect(await exited).toBe(0);
    expect(events).toEqual(['consumer stopping', 'consumer stopped']);
  });

  it('exits 1 when closing takes longer than the timeout', async () => {
    Consumer.hang = true;
    const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const { exited, exit } = exitRecorder();
    uninstall = installGracefulShutdown(app, logger, { timeoutMs: 100, exit });

    process.emit('SIGINT');

    expect(await exited).toBe(1);
    expect(events).toEqual(['consumer stopping']);
    releaseConsumer();
  });
});
