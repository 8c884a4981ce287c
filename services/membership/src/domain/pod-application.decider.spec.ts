import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import {
  podApplicationDecider,
  type PodApplicationApproved,
  type PodApplicationCommand,
  type PodApplicationDeclined,
  type PodApplicationSubmitted,
  type SubmitPodApplication,
} from './pod-application.decider';
import { podDecider, type PodCreated, type PodLeftRegion } from './pod.decider';

const applicationId = 'a1b2c3d4-0000-4000-8000-000000000001';
const regionId = 'r0000000-0000-4000-8000-000000000001';
const at = '2026-12-01T10:00:00.000Z';
const metadata: CommandMetadata = { now: at, actorId: 'person-ana', podId: applicationId, regionId };
const stewardMetadata: CommandMetadata = { ...metadata, actorId: 'person-steward' };
const eventMetadata = { occurredAt: at, actorId: 'person-ana', podId: applicationId, regionId };
const stewardEventMetadata = { ...eventMetadata, actorId: 'person-steward' };

/** Arroios, roughly: a closed ring of five positions. */
const arroios = {
  type: 'Polygon',
  coordinates: [
    [
      [-9.1395, 38.7255],
      [-9.129, 38.7255],
      [-9.129, 38.734],
      [-9.1395, 38.734],
      [-9.1395, 38.7255],
    ],
  ],
};

const submit = (data: Partial<SubmitPodApplication['data']> = {}): PodApplicationCommand => ({
  type: 'SubmitPodApplication',
  data: {
    applicationId,
    regionId,
    applicantPersonId: 'person-ana',
    applicantDisplayName: ' Ana ',
    name: ' Arroios ',
    description: ' Neighbours around Largo do Intendente ',
    languages: ['pt', 'en', 'pt-br', 'pt'],
    timezone: 'Europe/Lisbon',
    serviceArea: arroios,
    regionExists: true,
    ...data,
  },
  metadata,
});

const submitted: PodApplicationSubmitted = {
  type: 'PodApplicationSubmitted',
  data: {
    applicationId,
    regionId,
    applicantPersonId: 'person-ana',
    applicantDisplayName: 'Ana',
    name: 'Arroios',
    description: 'Neighbours around Largo do Intendente',
    languages: ['pt', 'en', 'pt-BR'],
    timezone: 'Europe/Lisbon',
    serviceArea: arroios as unknown as PodApplicationSubmitted['data']['serviceArea'],
  },
  metadata: eventMetadata,
};
const approved: PodApplicationApproved = {
  type: 'PodApplicationApproved',
  data: { applicationId, regionId, podId: applicationId },
  metadata: stewardEventMetadata,
};
const declined: PodApplicationDeclined = {
  type: 'PodApplicationDeclined',
  data: { applicationId, regionId, applicantPersonId: 'person-ana', name: 'Arroios', reason: 'Arroios already has a pod: join it' },
  metadata: stewardEventMetadata,
};

const approve: PodApplicationCommand = { type: 'ApprovePodApplication', data: { applicationId }, metadata: stewardMetadata };
const decline = (reason: string): PodApplicationCommand => ({ type: 'DeclinePodApplication', data: { applicationId, reason }, metadata: stewardMetadata });

describe('a pod applying to join a region', () => {
  it('given nothing, when a person applies, then the application is recorded with trimmed text and canonical languages, each once', () => {
    spec(podApplicationDecider).given([]).when(submit()).then([submitted]);
  });

  it('given a pending application, when a steward approves it, then the pod it creates has the application id', () => {
    spec(podApplicationDecider).given([submitted]).when(approve).then([approved]);
  });

  it('given a pending application, when a steward declines it with a reason, then the applicant is told the reason', () => {
    spec(podApplicationDecider).given([submitted]).when(decline('  Arroios already has a pod: join it ')).then([declined]);
  });

  it('refuses a decline without a reason, naming the field', () => {
    const error = spec(podApplicationDecider).given([submitted]).when(decline('  ')).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'INVALID_REASON', field: 'reason' });
  });

  it.each([
    ['to approve', 'approved', [submitted, approved], approve],
    ['to approve', 'declined', [submitted, declined], approve],
    ['to decline', 'approved', [submitted, approved], decline('changed our minds')],
  ])('refuses %s an application already %s', (_verb, status, history, command) => {
    const error = spec(podApplicationDecider)
      .given(history)
      .when(command)
      .thenThrows(DomainRuleViolation, new RegExp(`already ${status}`));
    expect(error).toMatchObject({ code: 'APPLICATION_DECIDED', field: 'id' });
  });

  it('refuses to decide an application that does not exist', () => {
    const error = spec(podApplicationDecider).given([]).when(approve).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'APPLICATION_NOT_FOUND', field: 'id' });
  });

  it.each<[string, Partial<SubmitPodApplication['data']>, string, string]>([
    ['an unknown region', { regionExists: false }, 'REGION_NOT_FOUND', 'regionId'],
    ['a one-letter name', { name: 'A' }, 'INVALID_NAME', 'name'],
    ['an empty description', { description: ' ' }, 'INVALID_DESCRIPTION', 'description'],
    ['a description of 501 characters', { description: 'x'.repeat(501) }, 'INVALID_DESCRIPTION', 'description'],
    ['no languages', { languages: [] }, 'INVALID_LANGUAGES', 'languages'],
    ['an unknown language tag', { languages: ['pt', 'xq'] }, 'UNKNOWN_LANGUAGE_TAG', 'languages.1'],
    ['something that is no tag at all', { languages: ['portuguese'] }, 'UNKNOWN_LANGUAGE_TAG', 'languages.0'],
    ['a city for a time zone', { timezone: 'Lisbon' }, 'INVALID_TIMEZONE', 'timezone'],
    ['an empty display name', { applicantDisplayName: '' }, 'INVALID_DISPLAY_NAME', 'applicantDisplayName'],
  ])('refuses %s, naming the field', (_case, data, code, field) => {
    const error = spec(podApplicationDecider).given([]).when(submit(data)).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code, field });
  });
});

describe('the service area of a pod application', () => {
  const ring = arroios.coordinates[0]!;
  const area = (coordinates: unknown, type: unknown = 'Polygon') => ({ type, coordinates });

  it.each<[string, unknown, string]>([
    ['not a polygon', area([ring], 'MultiPolygon'), 'serviceArea.type'],
    ['no rings', area([]), 'serviceArea.coordinates'],
    ['a ring that does not close', area([ring.slice(0, 4)]), 'serviceArea.coordinates.0'],
    ['a ring of three positions', area([[ring[0], ring[1], ring[0]]]), 'serviceArea.coordinates.0'],
    ['a longitude beyond 180', area([[ring[0], [181, 38.73], ring[2], ring[0]]]), 'serviceArea.coordinates.0.1'],
    ['a latitude beyond 90', area([[ring[0], ring[1], [-9.129, 90.5], ring[0]]]), 'serviceArea.coordinates.0.2'],
    ['a position with an altitude', area([[ring[0], [...ring[1]!, 12], ring[2], ring[0]]]), 'serviceArea.coordinates.0.1'],
    [
      'a ring on one line',
      area([
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [0, 0],
        ],
      ]),
      'serviceArea.coordinates.0',
    ],
    [
      'a ring repeating one point',
      area([
        [
          [0, 0],
          [1, 1],
          [0, 0],
          [1, 1],
          [0, 0],
        ],
      ]),
      'serviceArea.coordinates.0',
    ],
    [
      'a broken hole',
      area([
        ring,
        [
          [-9.135, 38.73],
          [-9.134, 38.73],
          [-9.134, 38.731],
        ],
      ]),
      'serviceArea.coordinates.1',
    ],
    ['nothing', null, 'serviceArea'],
  ])('refuses %s, naming where', (_case, serviceArea, field) => {
    const error = spec(podApplicationDecider).given([]).when(submit({ serviceArea })).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'INVALID_SERVICE_AREA', field });
  });

  it('accepts a polygon with a hole', () => {
    const hole = [
      [-9.135, 38.729],
      [-9.134, 38.729],
      [-9.134, 38.73],
      [-9.135, 38.729],
    ];
    const [event] = spec(podApplicationDecider)
      .given([])
      .when(submit({ serviceArea: area([ring, hole]) }))
      .then([{ ...submitted, data: { ...submitted.data, serviceArea: { type: 'Polygon', coordinates: [ring, hole] as never } } }]);
    expect(event!.data).toMatchObject({ serviceArea: { coordinates: [ring, hole] } });
  });
});

describe('a pod leaving its region', () => {
  const podId = applicationId;
  const created: PodCreated = {
    type: 'PodCreated',
    data: { podId, regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' },
    metadata: eventMetadata,
  };
  const leave = (reason: string | null = null) => ({ type: 'LeaveRegion' as const, data: { podId, reason }, metadata });
  const left: PodLeftRegion = { type: 'PodLeftRegion', data: { podId, regionId, reason: 'We work on our own' }, metadata: eventMetadata };

  it('given a pod in a region, when its coordinators take it out, then it has left the region and belongs to none', () => {
    spec(podDecider).given([created]).when(leave(' We work on our own ')).then([left]);
    expect(spec(podDecider).given([created, left]).state()).toMatchObject({ status: 'active', regionId: null });
  });

  it('refuses to leave twice', () => {
    const error = spec(podDecider).given([created, left]).when(leave()).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'NOT_IN_REGION' });
  });

  it('refuses for a pod that does not exist', () => {
    spec(podDecider)
      .given([])
      .when(leave())
      .thenThrows(DomainRuleViolation, /No pod/);
  });
});
