const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Marks a stream that belongs to no pod (a region, say). */
export const NO_POD = '-';

/** Streams are named `<aggregate>:<podId>:<id>` so every stream names its pod. */
export function streamName(aggregate: string, podId: string | null, id: string): string {
  const pod = podId ?? NO_POD;
  for (const [name, value] of [
    ['aggregate', aggregate],
    ['podId', pod],
    ['id', id],
  ] as const) {
    if (!SEGMENT.test(value)) throw new Error(`Invalid stream ${name} "${value}": use letters, digits, "-" or "_"`);
  }
  return `${aggregate}:${pod}:${id}`;
}

export interface ParsedStreamName {
  readonly aggregate: string;
  readonly podId: string | null;
  readonly id: string;
}

export function parseStreamName(stream: string): ParsedStreamName {
  const parts = stream.split(':');
  if (parts.length !== 3 || parts.some((part) => !SEGMENT.test(part))) {
    throw new Error(`Invalid stream name "${stream}": expected <aggregate>:<podId>:<id>`);
  }
  const [aggregate, pod, id] = parts as [string, string, string];
  return { aggregate, podId: pod === NO_POD ? null : pod, id };
}
