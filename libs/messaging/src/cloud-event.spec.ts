import {
  InvalidCloudEventError,
  assertCloudEventAttributes,
  cloudEventJson,
  parseCloudEvent,
  toCloudEvent,
  validateCloudEvent,
  type CloudEventInput,
} from './cloud-event';

const input: CloudEventInput = {
  id: '0e7f6a5b-4c3d-4b2a-9f1e-0d9c8b7a6f5e',
  region: 'lisboa',
  service: 'requests',
  type: 'requests.request-posted.v1',
  subject: 'request:pod:req',
  time: '2025-03-01T10:00:00.000Z',
  data: { title: 'Soup' },
  podId: '5f0c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  correlationId: 'corr-1',
  causationId: null,
  streamVersion: 3,
  actorId: 'person-1',
};

describe('toCloudEvent', () => {
  it('builds a structured-mode CloudEvents 1.0 event with Mutuo extension attributes', () => {
    expect(toCloudEvent(input)).toEqual({
      specversion: '1.0',
      id: input.id,
      source: '/mutuo/lisboa/requests',
      type: 'requests.request-posted.v1',
      subject: 'request:pod:req',
      time: '2025-03-01T10:00:00.000Z',
      datacontenttype: 'application/json',
      data: { title: 'Soup' },
      podid: input.podId,
      regionid: 'lisboa',
      correlationid: 'corr-1',
      streamversion: 3,
      actorid: 'person-1',
    });
  });

  it('omits absent optional attributes instead of writing null', () => {
    const event = toCloudEvent({ ...input, podId: null, correlationId: undefined });
    expect(event).not.toHaveProperty('podid');
    expect(event).not.toHaveProperty('correlationid');
    expect(event).not.toHaveProperty('causationid');
  });

  it('refuses to build an event consumers would reject', () => {
    expect(() => toCloudEvent({ ...input, id: 'not-a-uuid' })).toThrow(InvalidCloudEventError);
    expect(() => toCloudEvent({ ...input, time: 'yesterday' })).toThrow(/time: /);
    expect(() => toCloudEvent({ ...input, streamVersion: 0 })).toThrow(/streamversion: /);
    expect(() => toCloudEvent({ ...input, service: 'matching' })).toThrow(
      /source: Names service "matching", but requests\.request-posted\.v1 is published by "requests"/,
    );
  });
});

describe('assertCloudEventAttributes', () => {
  const variants: [string, Partial<CloudEventInput>][] = [
    ['as given', {}],
    ['a nil UUID id', { id: '00000000-0000-0000-0000-000000000000' }],
    ['an id that is no UUID', { id: 'not-a-uuid' }],
    ['an id of another UUID variant', { id: '0e7f6a5b-4c3d-4b2a-cf1e-0d9c8b7a6f5e' }],
    ['an empty subject', { subject: '' }],
    ['a subject of 500 characters', { subject: 's'.repeat(500) }],
    ['a subject of 501 characters', { subject: 's'.repeat(501) }],
    ['a time with an offset', { time: '2025-03-01T10:00:00+01:00' }],
    ['a time without seconds', { time: '2025-03-01T10:00Z' }],
    ['a time without offset', { time: '2025-03-01T10:00:00' }],
    ['a date that does not exist', { time: '2025-02-29T10:00:00Z' }],
    ['no pod', { podId: null }],
    ['a pod that is no UUID', { podId: 'pod-1' }],
    ['no correlation', { correlationId: '' }],
    ['a correlation of 201 characters', { correlationId: 'c'.repeat(201) }],
    ['a causation of 200 characters', { causationId: 'c'.repeat(200) }],
    ['a causation of 201 characters', { causationId: 'c'.repeat(201) }],
    ['stream version 0', { streamVersion: 0 }],
    ['a fractional stream version', { streamVersion: 1.5 }],
    ['an empty actor', { actorId: '' }],
    ['an actor of 256 characters', { actorId: 'a'.repeat(256) }],
  ];

  it.each(variants)('agrees with the full CloudEvent check on %s', (_, change) => {
    const event = { ...input, ...change };
    const built = (() => {
      try {
        return toCloudEvent(event);
      } catch {
        return undefined;
      }
    })();
    if (built) expect(() => assertCloudEventAttributes(event)).not.toThrow();
    else expect(() => assertCloudEventAttributes(event)).toThrow(InvalidCloudEventError);
  });

  it('names the attribute at fault', () => {
    expect(() => assertCloudEventAttributes({ ...input, time: 'yesterday' })).toThrow(/^Invalid CloudEvent: time: /);
  });
});

describe('cloudEventJson', () => {
  it('writes the same JSON as the event toCloudEvent builds, around data that is JSON text already', () => {
    const { data, ...rest } = input;
    expect(cloudEventJson({ ...rest, dataJson: JSON.stringify(data) })).toBe(JSON.stringify(toCloudEvent(input)));
    const bare = { ...input, podId: null, correlationId: undefined, causationId: 'cmd-1', data: null };
    expect(cloudEventJson({ ...bare, dataJson: 'null' })).toBe(JSON.stringify(toCloudEvent(bare)));
  });

  it('escapes the attributes it writes', () => {
    const quoted = { ...input, subject: 'request:"pod"\\req', actorId: 'person\n1' };
    const { data, ...rest } = quoted;
    expect(parseCloudEvent(cloudEventJson({ ...rest, dataJson: JSON.stringify(data) }))).toEqual({ ok: true, event: toCloudEvent(quoted) });
  });
});

describe('parseCloudEvent', () => {
  const valid = toCloudEvent(input);

  it('reads an event back from bytes', () => {
    expect(parseCloudEvent(new TextEncoder().encode(JSON.stringify(valid)))).toEqual({ ok: true, event: valid });
  });

  it('names what is wrong', () => {
    expect(parseCloudEvent('{')).toEqual({ ok: false, reason: expect.stringMatching(/^Message body is not JSON/) });
    expect(parseCloudEvent(new Uint8Array([0xff, 0xfe]))).toEqual({ ok: false, reason: 'Message body is not valid UTF-8' });
    expect(parseCloudEvent('[1]')).toEqual({ ok: false, reason: 'CloudEvent must be a JSON object' });
    const { data: _data, ...withoutData } = valid;
    expect(validateCloudEvent(withoutData)).toEqual({ ok: false, reason: 'Invalid CloudEvent: data: Required' });
    const broken = { ...valid, specversion: '0.3', podid: 'pod-1', streamversion: '3' };
    expect(validateCloudEvent(broken)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Invalid CloudEvent: specversion: .+; podid: Invalid UUID; streamversion: .+/),
    });
    expect(validateCloudEvent({ ...valid, regionid: 'porto' })).toEqual({
      ok: false,
      reason: 'Invalid CloudEvent: regionid: Differs from the region in source ("lisboa")',
    });
  });

  it('accepts null data and ignores unknown extension attributes', () => {
    expect(validateCloudEvent({ ...valid, data: null, traceparent: '00-abc' })).toEqual({ ok: true, event: { ...valid, data: null } });
  });
});
