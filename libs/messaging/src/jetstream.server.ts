import type { EntityManager } from '@mikro-orm/postgresql';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import { EventConsumer, type EventConsumerOptions, type EventConsumerStats } from './event-consumer';
import { errorMessage, type MessagingLogger } from './logger';
import { connectNats, NatsHealth } from './nats-connection';
import type { EventHandler, ReceivedEvent } from './received-event';

export const JETSTREAM_TRANSPORT = Symbol('mutuo-jetstream');

export interface JetStreamServerOptions extends Omit<EventConsumerOptions, 'nats' | 'entityManager' | 'handlers' | 'logger'> {
  /** An open connection (the caller closes it), or where to connect (the server drains it on close). */
  readonly nats: NatsConnection | { readonly url: string; readonly name: string };
  /** The root EntityManager, or a function returning it once the application is up (`() => app.get(MikroORM).em`). */
  readonly entityManager: EntityManager | (() => EntityManager);
  readonly logger?: MessagingLogger;
  /**
   * The contract types the handlers must take, as eventPatternTypes reads them for the operator command line; the
   * start fails when the handlers Nest registered differ, so `streams apply` provisions what the service consumes.
   */
  readonly expectedTypes?: readonly string[];
}

/** `@Ctx()` of a JetStream event handler. */
export class JetStreamContext extends BaseRpcContext<[ReceivedEvent]> {
  getEvent<Data = unknown>(): ReceivedEvent<Data> {
    return this.args[0] as ReceivedEvent<Data>;
  }
}

type JetStreamServerEvents = {
  connected: () => void;
  disconnected: () => void;
};
type JetStreamServerStatus = 'connected' | 'disconnected';

/**
 * NestJS transport for integration events: every `@EventPattern('<contract type>')` becomes a handler
 * of the service's durable JetStream consumer, called with a `ReceivedEvent` inside the inbox transaction.
 * A handler that throws is retried with backoff and dead-lettered after the last delivery.
 */
export class JetStreamServer extends Server<JetStreamServerEvents, JetStreamServerStatus> implements CustomTransportStrategy {
  override transportId = JETSTREAM_TRANSPORT;
  private nc: NatsConnection | undefined;
  private ownsConnection = false;
  private consumer: EventConsumer | undefined;
  private health: NatsHealth | undefined;
  private readonly listeners: { [Event in keyof JetStreamServerEvents]: Set<JetStreamServerEvents[Event]> } = {
    connected: new Set(),
    disconnected: new Set(),
  };

  constructor(private readonly options: JetStreamServerOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Stops pulling, lets handlers in progress finish, then drains the connection if this server opened it. */
  async close(): Promise<void> {
    await this.consumer?.close();
    this.consumer = undefined;
    this.health?.dispose();
    this.health = undefined;
    const nc = this.nc;
    this.nc = undefined;
    if (nc && this.ownsConnection && !nc.isClosed()) await nc.drain().catch(() => undefined);
    this._status$.next('disconnected');
  }

  on<Event extends keyof JetStreamServerEvents>(event: Event, callback: JetStreamServerEvents[Event]): void {
    const listeners = this.listeners[event] as Set<JetStreamServerEvents[Event]> | undefined;
    if (!listeners) throw new Error(`JetStreamServer emits only ${Object.keys(this.listeners).join(', ')} (got ${String(event)})`);
    listeners.add(callback);
  }

  /** The NATS connection, once listening. */
  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamServer is not listening yet: there is no NATS connection to unwrap');
    return this.nc as T;
  }

  stats(): EventConsumerStats | undefined {
    return this.consumer?.stats();
  }

  private async start(): Promise<void> {
    const handlers = this.eventHandlers();
    if (this.options.expectedTypes) assertSameTypes([...handlers.keys()], this.options.expectedTypes);
    const { nats } = this.options;
    if ('url' in nats) {
      this.nc = await connectNats(nats.url, nats.name);
      this.ownsConnection = true;
    } else {
      this.nc = nats;
      this.ownsConnection = false;
    }
    this.health = new NatsHealth(this.nc);
    this.health.onChange((connected) => {
      this._status$.next(connected ? 'connected' : 'disconnected');
      for (const listener of connected ? this.listeners.connected : this.listeners.disconnected) listener();
    });
    const entityManager = typeof this.options.entityManager === 'function' ? this.options.entityManager() : this.options.entityManager;
    this.consumer = new EventConsumer({
      ...this.options,
      nats: this.nc,
      entityManager,
      handlers,
      logger: this.options.logger ?? nestLogger(this.logger),
    });
    await this.consumer.start();
    this._status$.next('connected');
  }

  private eventHandlers(): Map<string, EventHandler> {
    const handlers = new Map<string, EventHandler>();
    for (const [pattern, handler] of this.messageHandlers) {
      if (!handler.isEventHandler) {
        throw new Error(`JetStreamServer handles @EventPattern only; @MessagePattern(${pattern}) has no reply channel on JetStream`);
      }
      handlers.set(pattern, async (event) => {
        const result = await handler(event, new JetStreamContext([event]));
        // Nest turns a handler's exception into an erroring Observable; waiting for it surfaces the failure.
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      });
    }
    return handlers;
  }
}

/**
 * Nest's default RPC exception filter replaces a handler's error with "Internal server error". With this
 * filter on event controllers (`@UseFilters(new RethrowEventErrorsFilter())`), the original message
 * reaches the retry log and the dead-letter reason.
 */
@Catch()
export class RethrowEventErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

function assertSameTypes(handled: readonly string[], expected: readonly string[]): void {
  const unexpected = handled.filter((type) => !expected.includes(type));
  const absent = expected.filter((type) => !handled.includes(type));
  if (unexpected.length || absent.length) {
    throw new Error(
      `The event handlers differ from the module's @EventPattern metadata (handled but not declared: ${unexpected.join(', ') || 'none'}; ` +
        `declared but not handled: ${absent.join(', ') || 'none'}): register event controllers in the service module's static imports`,
    );
  }
}

function nestLogger(logger: { log(message: string): void; warn(message: string): void; error(message: string): void }): MessagingLogger {
  const format = (message: string, fields?: Record<string, unknown>) => (fields ? `${message} ${safeJson(fields)}` : message);
  return {
    info: (message, fields) => logger.log(format(message, fields)),
    warn: (message, fields) => logger.warn(format(message, fields)),
    error: (message, fields) => logger.error(format(message, fields)),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    return `(unserializable: ${errorMessage(error)})`;
  }
}
