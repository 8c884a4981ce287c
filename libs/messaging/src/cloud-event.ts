import { parseContractType } from '@mutuo/contracts';
import { z } from 'zod';

/** The only `source` shape we publish: `/mutuo/<region>/<service>`. */
const SOURCE = /^\/mutuo\/([A-Za-z0-9_-]{1,64})\/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
/** W3C trace context `traceparent`: version, trace id, parent span id, flags. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A CloudEvents 1.0 event in structured JSON mode, with Mutuo's extension attributes
 * (lowercase alphanumeric names, as the specification requires).
 */
export interface MutuoCloudEvent<Data = unknown> {
  readonly specversion: '1.0';
  /** The event id: a UUID, the same as the event store's event id and the `Nats-Msg-Id`. */
  readonly id: string;
  readonly source: string;
  /** The contract type, `<service>.<name>.v<version>`. */
  readonly type: string;
  /** The event-store stream (aggregate) the event belongs to; events of one subject are handled in order. */
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: Data;
  readonly podid?: string;
  readonly regionid: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** The event's position in its stream (1-based). */
  readonly streamversion: number;
  readonly actorid: string;
  /** W3C trace context of the publish (CloudEvents distributed-tracing extension): the consumer's spans join that trace. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

const cloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.uuid(),
    source: z.string().regex(SOURCE, { message: 'Expected /mutuo/<region>/<service>' }),
    type: z.string().refine((type) => parseContractType(type) !== null, { message: 'Expected <service>.<name>.v<version>' }),
    subject: z.string().min(1).max(500),
    time: z.iso.datetime({ offset: true }),
    datacontenttype: z.literal('application/json'),
    data: z.unknown(),
    podid: z.uuid().optional(),
    regionid: z.string().regex(TOKEN, { message: 'Expected 1-64 letters, digits, "_" or "-"' }),
    correlationid: z.string().min(1).max(200).optional(),
    causationid: z.string().min(1).max(200).optional(),
    streamversion: z.number().int().min(1),
    actorid: z.string().min(1).max(255),
    // Tracing is best effort: a malformed trace context is dropped, never a reason to refuse the event.
    traceparent: z.string().regex(TRACEPARENT).optional().catch(undefined),
    tracestate: z.string().max(512).optional().catch(undefined),
  })
  .superRefine((event, context) => {
    const source = SOURCE.exec(event.source);
    const type = parseContractType(event.type);
    if (source && type && source[2] !== type.service) {
      context.addIssue({
        code: 'custom',
        path: ['source'],
        message: `Names service "${source[2]}", but ${event.type} is published by "${type.service}"`,
      });
    }
    if (source && source[1] !== event.regionid) {
      context.addIssue({ code: 'custom', path: ['regionid'], message: `Differs from the region in source ("${source[1]}")` });
    }
  });

export interface CloudEventInput<Data = unknown> {
  readonly id: string;
  readonly region: string;
  readonly service: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly data: Data;
  readonly podId?: string | null;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
  readonly streamVersion: number;
  readonly actorId: string;
  readonly traceparent?: string | null;
  readonly tracestate?: string | null;
}

export class InvalidCloudEventError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidCloudEventError';
  }
}

/** Builds a CloudEvent and checks it with the same rules consumers apply, so we never publish one they would reject. */
export function toCloudEvent<Data>(input: CloudEventInput<Data>): MutuoCloudEvent<Data> {
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: input.id,
    source: `/mutuo/${input.region}/${input.service}`,
    type: input.type,
    subject: input.subject,
    time: input.time,
    datacontenttype: 'application/json',
    data: input.data,
    regionid: input.region,
    streamversion: input.streamVersion,
    actorid: input.actorId,
  };
  // Absent rather than null: CloudEvents has no null attribute values.
  if (input.podId) event['podid'] = input.podId;
  if (input.correlationId) event['correlationid'] = input.correlationId;
  if (input.causationId) event['causationid'] = input.causationId;
  if (input.traceparent) event['traceparent'] = input.traceparent;
  if (input.tracestate) event['tracestate'] = input.tracestate;
  const checked = validateCloudEvent(event);
  if (!checked.ok) throw new InvalidCloudEventError(checked.reason);
  return event as unknown as MutuoCloudEvent<Data>;
}

/** The attributes that differ from event to event; a producer's source, type and region are checked once. */
export type CloudEventAttributes = Pick<CloudEventInput, 'id' | 'subject' | 'time' | 'podId' | 'correlationId' | 'causationId' | 'streamVersion' | 'actorId'>;

// The patterns z.uuid() and z.iso.datetime({ offset: true }) check in the schema above.
const UUID = z.regexes.uuid();
const DATETIME_WITH_OFFSET = z.regexes.datetime({ offset: true });

/**
 * Checks an event's own attributes with the rules `validateCloudEvent` applies, without building the
 * event: far cheaper per append than validating the whole CloudEvent. Absent optional attributes
 * (null, undefined, "") are left out of the event, as `toCloudEvent` does. Throws InvalidCloudEventError
 * naming the first attribute at fault.
 */
export function assertCloudEventAttributes(attributes: CloudEventAttributes): void {
  const problem = attributeProblem(attributes);
  if (problem) throw new InvalidCloudEventError(`Invalid CloudEvent: ${problem}`);
}

function attributeProblem({ id, subject, time, podId, correlationId, causationId, streamVersion, actorId }: CloudEventAttributes): string | undefined {
  if (typeof id !== 'string' || !UUID.test(id)) return 'id: Invalid UUID';
  if (!hasLength(subject, 1, 500)) return 'subject: Expected a string of 1-500 characters';
  if (typeof time !== 'string' || !DATETIME_WITH_OFFSET.test(time)) return 'time: Expected an ISO date-time with offset';
  if (podId && !UUID.test(podId)) return 'podid: Invalid UUID';
  if (correlationId && !hasLength(correlationId, 1, 200)) return 'correlationid: Expected a string of 1-200 characters';
  if (causationId && !hasLength(causationId, 1, 200)) return 'causationid: Expected a string of 1-200 characters';
  if (!Number.isSafeInteger(streamVersion) || streamVersion < 1) return 'streamversion: Expected an integer from 1';
  if (!hasLength(actorId, 1, 255)) return 'actorid: Expected a string of 1-255 characters';
  return undefined;
}

function hasLength(value: unknown, min: number, max: number): boolean {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/**
 * The JSON text of the CloudEvent `toCloudEvent` builds from the same input (same attributes, same order),
 * around data that is JSON text already. For the outbox relay, which publishes events checked at append
 * time: it neither parses the data nor checks the event again.
 */
export function cloudEventJson(input: Omit<CloudEventInput, 'data'> & { readonly dataJson: string }): string {
  let json =
    `{"specversion":"1.0","id":${JSON.stringify(input.id)},"source":${JSON.stringify(`/mutuo/${input.region}/${input.service}`)},` +
    `"type":${JSON.stringify(input.type)},"subject":${JSON.stringify(input.subject)},"time":${JSON.stringify(input.time)},` +
    `"datacontenttype":"application/json","data":${input.dataJson},"regionid":${JSON.stringify(input.region)},` +
    `"streamversion":${JSON.stringify(input.streamVersion)},"actorid":${JSON.stringify(input.actorId)}`;
  if (input.podId) json += `,"podid":${JSON.stringify(input.podId)}`;
  if (input.correlationId) json += `,"correlationid":${JSON.stringify(input.correlationId)}`;
  if (input.causationId) json += `,"causationid":${JSON.stringify(input.causationId)}`;
  if (input.traceparent) json += `,"traceparent":${JSON.stringify(input.traceparent)}`;
  if (input.tracestate) json += `,"tracestate":${JSON.stringify(input.tracestate)}`;
  return `${json}}`;
}

export type CloudEventParseResult = { readonly ok: true; readonly event: MutuoCloudEvent } | { readonly ok: false; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a structured-mode CloudEvent from message bytes, naming the first problems found. */
export function parseCloudEvent(body: Uint8Array | string): CloudEventParseResult {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    return { ok: false, reason: 'Message body is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `Message body is not JSON: ${(error as Error).message}` };
  }
  return validateCloudEvent(json);
}

export function validateCloudEvent(value: unknown): CloudEventParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'CloudEvent must be a JSON object' };
  }
  // `data` may be null, but it must be there: an event without data is a producer bug.
  const hasData = 'data' in value;
  const result = cloudEventSchema.safeParse(hasData ? value : { ...value, data: null });
  if (result.success && hasData) return { ok: true, event: result.data as MutuoCloudEvent };
  const problems = [
    ...(hasData ? [] : ['data: Required']),
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)),
  ].slice(0, 8);
  return { ok: false, reason: `Invalid CloudEvent: ${problems.join('; ')}` };
}
