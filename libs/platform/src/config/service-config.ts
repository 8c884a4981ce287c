import { z } from 'zod';
import { authVariablesShape, checkAuthVariables, resolveAuthVariables, type AuthVariables } from './auth-variables';
import { checkInfrastructureVariables } from './infrastructure-variables';
import { checkNatsStreamVariables, natsStreamVariablesShape, type NatsStreamVariables } from './nats-stream-variables';
import { DEFAULT_LISTEN_HOST } from './listen-host';
import { checkPersonalDataKeks, personalDataKeksShape, resolvePersonalDataKeks, type PersonalDataKeksVariables } from './personal-data-keks';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const SERVICE_NAME = /^[a-z][a-z0-9_]{0,29}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function integerBetween(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().min(min, message).max(max, message));
}

/** NODE_ENV, development unless set. */
export function nodeEnvironment() {
  return z.enum(NODE_ENVIRONMENTS, { error: `must be one of ${NODE_ENVIRONMENTS.join(', ')}` }).default('development');
}

/** LOG_LEVEL, info unless set. */
export function logLevel() {
  return z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info');
}

export function postgresUrl() {
  return z.string().refine(isPostgresUrl, 'must be a postgres:// URL');
}

function isPostgresUrl(value: string): boolean {
  const url = parseUrl(value);
  return !!url && (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && !!url.hostname && url.pathname.length > 1;
}

function isNatsUrlList(value: string): boolean {
  return value.split(',').every((part) => {
    const url = parseUrl(part.trim());
    return !!url && (url.protocol === 'nats:' || url.protocol === 'tls:') && !!url.hostname;
  });
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function commonShape(service: string, defaultPort: number) {
  return {
    NODE_ENV: nodeEnvironment(),
    // 0 lets the OS pick a free port (tests); the address is logged at start.
    PORT: integerBetween(0, 65535).default(defaultPort),
    HOST: z.string().regex(/^\S+$/, 'must be a host name or IP address').default(DEFAULT_LISTEN_HOST),
    REGION: z.string().regex(SLUG, 'must be a lowercase slug such as "north-east"').default('local'),
    DATABASE_URL: postgresUrl().default(`postgres://mutuo_${service}_app@127.0.0.1:5432/mutuo_${service}`),
    DATABASE_ADMIN_URL: postgresUrl().default(`postgres://postgres@127.0.0.1:5432/mutuo_${service}`),
    DATABASE_APP_PASSWORD: z.string().optional(),
    NATS_URL: z.string().refine(isNatsUrlList, 'must be a nats:// URL (or a comma-separated list of them)').default('nats://127.0.0.1:4222'),
    NATS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" or "_"')
      .default('mutuo'),
    ...natsStreamVariablesShape(),
    ...authVariablesShape,
    ...personalDataKeksShape,
    LOG_LEVEL: logLevel(),
  };
}

export interface ServiceConfigOptions<Extra extends z.ZodRawShape> {
  /** Used when PORT is not set. */
  readonly defaultPort?: number;
  /** The service's own variables, validated and reported together with the common ones. */
  readonly extra?: Extra;
}

/**
 * The variables every Mutuo service reads, with defaults that work on a development machine.
 * `service` names the database (`mutuo_<service>`) and its runtime role (`mutuo_<service>_app`).
 */
export function serviceConfigSchema<Extra extends z.ZodRawShape = Record<never, z.ZodType>>(service: string, options: ServiceConfigOptions<Extra> = {}) {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`Invalid service name "${service}": use lowercase letters, digits and "_" (at most 30 characters)`);
  }
  const shape = { ...commonShape(service, options.defaultPort ?? 3000), ...(options.extra ?? ({} as Extra)) };
  return z
    .object(shape)
    .superRefine((config, ctx) => checkAuthVariables(config as Partial<AuthVariables>, ctx), { when: () => true })
    .superRefine((config, ctx) => checkInfrastructureVariables(config, ctx), { when: () => true })
    .superRefine((config, ctx) => checkNatsStreamVariables(config as NatsStreamVariables, ctx), { when: () => true })
    .superRefine((config, ctx) => checkPersonalDataKeks(config as PersonalDataKeksVariables, ctx), { when: () => true })
    .transform((config) => {
      const auth = resolveAuthVariables(config as Partial<AuthVariables>);
      return {
        ...config,
        GATEWAY_SHARED_SECRET: auth.GATEWAY_SHARED_SECRET,
        JWT_ISSUER: auth.JWT_ISSUER,
        JWT_AUDIENCE: auth.JWT_AUDIENCE,
        JWT_ALGORITHMS: auth.JWT_ALGORITHMS,
        JWT_SECRET: auth.JWT_SECRET,
        PERSONAL_DATA_KEKS: resolvePersonalDataKeks((config as PersonalDataKeksVariables).PERSONAL_DATA_KEKS),
      };
    });
}

export type ServiceConfig = z.output<ReturnType<typeof serviceConfigSchema>>;
