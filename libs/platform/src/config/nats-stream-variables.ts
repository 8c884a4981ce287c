import { z } from 'zod';

const DAY_SECONDS = 24 * 60 * 60;
/** A hundred years: "forever" is 0, anything longer is a typo. */
const MAX_DAYS = 36_500;

function wholeNumber(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().min(min, message).max(max, message));
}

function isNatsUrlList(value: string): boolean {
  return value.split(',').every((part) => {
    try {
      const url = new URL(part.trim());
      return (url.protocol === 'nats:' || url.protocol === 'tls:') && !!url.hostname;
    } catch {
      return false;
    }
  });
}

/**
 * How the region's JetStream streams are kept. `mutuo <service> streams apply` makes the streams match; a service
 * start only compares and logs drift (docs/operations.md, "NATS: streams, consumers, cluster and credentials").
 */
export function natsStreamVariablesShape() {
  return {
    NATS_ADMIN_URL: z
      .string()
      .refine(isNatsUrlList, 'must be a nats:// URL (or a comma-separated list of them)')
      .optional()
      .describe('NATS URL with the provisioning user, for `mutuo <service> streams apply|status`; NATS_URL when unset. Services never use it.'),
    NATS_STREAM_REPLICAS: wholeNumber(1, 5)
      .default(1)
      .describe('Copies of each stream in the NATS cluster: 1 on a single server, 3 on a 3- or 5-node cluster (5 only on 5+ nodes).'),
    NATS_STREAM_MAX_AGE_DAYS: wholeNumber(0, MAX_DAYS).default(30).describe("Days an event stays in its service's stream; 0 keeps events forever."),
    NATS_DEAD_LETTER_MAX_AGE_DAYS: wholeNumber(0, MAX_DAYS).default(90).describe('Days a dead letter stays in the dead-letter stream; 0 keeps them forever.'),
    NATS_STREAM_STORAGE: z
      .enum(['file', 'memory'], { error: 'must be file or memory' })
      .default('file')
      .describe('Where JetStream keeps streams: file (survives restarts) or memory (tests only; refused in production).'),
    NATS_DUPLICATE_WINDOW_SECONDS: wholeNumber(1, 7 * DAY_SECONDS)
      .default(120)
      .describe('Seconds in which JetStream drops a republished event with the same id (the outbox relay retries within it).'),
  };
}

export interface NatsStreamVariables {
  readonly NODE_ENV?: unknown;
  readonly NATS_ADMIN_URL?: unknown;
  readonly NATS_STREAM_MAX_AGE_DAYS?: unknown;
  readonly NATS_STREAM_STORAGE?: unknown;
  readonly NATS_DUPLICATE_WINDOW_SECONDS?: unknown;
}

/** Rules across variables; run with `{ when: () => true }` so they are reported with malformed variables. */
export function checkNatsStreamVariables(config: NatsStreamVariables, ctx: z.RefinementCtx): void {
  const fail = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: undefined });
  const maxAgeDays = config.NATS_STREAM_MAX_AGE_DAYS;
  const windowSeconds = config.NATS_DUPLICATE_WINDOW_SECONDS;
  if (typeof maxAgeDays === 'number' && typeof windowSeconds === 'number' && maxAgeDays > 0 && windowSeconds > maxAgeDays * DAY_SECONDS) {
    fail('NATS_DUPLICATE_WINDOW_SECONDS', 'must not exceed NATS_STREAM_MAX_AGE_DAYS');
  }
  if (config.NODE_ENV !== 'production') return;
  if (config.NATS_STREAM_STORAGE === 'memory') fail('NATS_STREAM_STORAGE', 'must be file in production: memory streams lose every event when NATS restarts');
  if (
    typeof config.NATS_ADMIN_URL === 'string' &&
    isNatsUrlList(config.NATS_ADMIN_URL) &&
    config.NATS_ADMIN_URL.split(',').some((part) => new URL(part.trim()).username === '')
  ) {
    fail('NATS_ADMIN_URL', 'must carry credentials (nats://user:password@host) in production');
  }
}
