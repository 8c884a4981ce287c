import { z } from 'zod';

/** `key=value` pairs separated by commas (the OTLP exporter's header syntax); values may be percent-encoded. */
const HEADER_PAIR = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(\S(?:.*\S)?)\s*$/;

function parseHeaders(value: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const match = HEADER_PAIR.exec(pair);
    if (!match) return undefined;
    try {
      headers[match[1]!.toLowerCase()] = decodeURIComponent(match[2]!);
    } catch {
      return undefined;
    }
  }
  return headers;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

/**
 * The OpenTelemetry variables every service and the gateway read (the standard names, so collectors' and operators'
 * habits apply). Tracing is off, at no cost, unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export const telemetryVariablesShape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().refine(isHttpUrl, 'must be an http(s) URL without query, such as http://otel-collector:4318').optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .transform((value, ctx) => {
      const headers = parseHeaders(value);
      if (headers) return headers;
      ctx.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas (values percent-encoded)', input: undefined });
      return z.NEVER;
    })
    .optional(),
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1-100 letters, digits, ".", "_" or "-"')
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0*)?|\.\d+)$/, 'must be a ratio from 0 to 1, such as 0.25')
    .transform(Number)
    .default(1),
  OTEL_BSP_SCHEDULE_DELAY: z
    .string()
    .regex(/^\d+$/, 'must be an integer 10-60000 (milliseconds)')
    .transform(Number)
    .pipe(z.number().min(10, 'must be an integer 10-60000 (milliseconds)').max(60_000, 'must be an integer 10-60000 (milliseconds)'))
    .default(5_000),
};

export type TelemetryVariables = z.output<z.ZodObject<typeof telemetryVariablesShape>>;
