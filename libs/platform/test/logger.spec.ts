import { createLogger, NestPinoLogger, requestContext } from '../src';
import { CapturedLogs } from './support/captured-logs';

describe('createLogger', () => {
  it('adds the current pod, correlation and actor to every line, and redacts tokens', () => {
    const logs = new CapturedLogs();
    const logger = createLogger('requests', 'info', logs);
    const identity = { subject: 'person-1', podId: 'pod-1', roles: ['member'], token: 'secret.jwt.value' };

    requestContext.run({ identity, podId: 'pod-1', correlationId: 'corr-1' }, () => logger.info({ identity }, 'Request posted'));
    logger.info('Outside any request');

    expect(logs.lines[0]).toMatchObject({
      level: 'info',
      service: 'requests',
      msg: 'Request posted',
      podId: 'pod-1',
      correlationId: 'corr-1',
      actor: 'person-1',
      identity: { token: '[redacted]' },
    });
    expect(logs.lines[1]).not.toHaveProperty('correlationId');
  });

  it('takes pod and correlation from the fallback source outside a request, e.g. while an event is handled', () => {
    const logs = new CapturedLogs();
    let handling: Record<string, string | null> | undefined = { podId: 'pod-2', correlationId: 'corr-2', causationId: null };
    const logger = createLogger('matching', 'info', logs, () => handling);

    logger.info('Evaluating request');
    handling = undefined;
    logger.info('Idle');

    expect(logs.lines[0]).toMatchObject({ podId: 'pod-2', correlationId: 'corr-2' });
    expect(logs.lines[0]).not.toHaveProperty('causationId');
    expect(logs.lines[1]).not.toHaveProperty('podId');
  });
});

describe('NestPinoLogger', () => {
  it("writes Nest's messages as JSON with their context and stack", () => {
    const logs = new CapturedLogs();
    const nest = new NestPinoLogger(createLogger('requests', 'info', logs));

    nest.log('Mapped {/graphql, POST} route', 'RouterExplorer');
    nest.error('Unhandled exception', 'Error: boom\n    at handler (app.ts:1:1)', 'ExceptionsHandler');

    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'Mapped {/graphql, POST} route', context: 'RouterExplorer' }),
      expect.objectContaining({
        level: 'error',
        msg: 'Unhandled exception',
        context: 'ExceptionsHandler',
        stack: 'Error: boom\n    at handler (app.ts:1:1)',
      }),
    ]);
  });
});
