import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import { podAgreementsDecider, requireCurrentAgreements, type AgreementsPublished, type PublishAgreements } from './pod-agreements.decider';

const podId = 'p0000000-0000-4000-8000-000000000001';
const coordinator = 'c0000000-0000-4000-8000-00000000000c';
const at = '2026-12-01T10:00:00.000Z';
const metadata: CommandMetadata = { now: at, actorId: 'person-cy', podId };
const eventMetadata = { occurredAt: at, actorId: 'person-cy', podId };

const publish = (text: string, basedOnVersion: number | null = null, podExists = true): PublishAgreements => ({
  type: 'PublishAgreements',
  data: { podId, podExists, publishedByMemberId: coordinator, text, basedOnVersion },
  metadata,
});
const published = (version: number, text: string): AgreementsPublished => ({
  type: 'AgreementsPublished',
  data: { podId, version, text, publishedByMemberId: coordinator },
  metadata: eventMetadata,
});

const first = published(1, '# How we decide\n\nBy consent, at the monthly meeting.');

describe("a pod's agreements", () => {
  it('given none, when coordinators publish agreements, then they are version 1 (markdown kept, trailing space dropped)', () => {
    spec(podAgreementsDecider).given([]).when(publish('# How we decide\r\n\r\nBy consent, at the monthly meeting.\n\n  ')).then([first]);
  });

  it('given version 1, when coordinators publish a new text, then it is version 2', () => {
    const text = '# How we decide\n\nBy consent.\n\n# Boundaries\n\nNobody is asked twice a week.';
    spec(podAgreementsDecider)
      .given([first])
      .when(publish(text, 1))
      .then([published(2, text)]);
    expect(
      spec(podAgreementsDecider)
        .given([first, published(2, text)])
        .state(),
    ).toEqual({ version: 2, text });
  });

  it('records no new version for the same text', () => {
    spec(podAgreementsDecider).given([first]).when(publish(first.data.text)).then([]);
  });

  it('refuses a text edited from an older version, so nobody replaces a newer one unseen', () => {
    const second = published(2, 'Version two');
    const error = spec(podAgreementsDecider)
      .given([first, second])
      .when(publish('Edited from one', 1))
      .thenThrows(DomainRuleViolation, /version 2 now/);
    expect(error).toMatchObject({ code: 'STALE_AGREEMENTS_VERSION', field: 'basedOnVersion' });
  });

  it.each([
    ['an empty text', ' \n ', 'INVALID_AGREEMENTS', 'text'],
    ['a text over 20000 characters', 'x'.repeat(20_001), 'INVALID_AGREEMENTS', 'text'],
    ['a text with a NUL byte', '# Rules\n\nBe kind\u0000', 'INVALID_AGREEMENTS', 'text'],
    ['a text of only invisible characters', '\u200B\n\u2060', 'INVALID_AGREEMENTS', 'text'],
  ])('refuses %s, naming the field', (_case, text, code, field) => {
    const error = spec(podAgreementsDecider).given([]).when(publish(text)).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code, field });
  });

  it('refuses agreements for a pod that does not exist', () => {
    spec(podAgreementsDecider)
      .given([])
      .when(publish('Hello', null, false))
      .thenThrows(DomainRuleViolation, /No pod/);
  });
});

describe('acknowledging the current agreements', () => {
  it('accepts the current version, and no version when the pod has none', () => {
    expect(() => requireCurrentAgreements(3, 3, 'agreementsVersion')).not.toThrow();
    expect(() => requireCurrentAgreements(0, null, 'agreementsVersion')).not.toThrow();
  });

  it.each([
    [3, null, 'AGREEMENTS_NOT_ACKNOWLEDGED'],
    [3, 2, 'STALE_AGREEMENTS_VERSION'],
    [3, 4, 'STALE_AGREEMENTS_VERSION'],
    [0, 1, 'UNKNOWN_AGREEMENTS_VERSION'],
  ])('with version %s current, refuses %s, naming the field', (current, given, code) => {
    let thrown: unknown;
    try {
      requireCurrentAgreements(current, given, 'agreementsVersion');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainRuleViolation);
    expect(thrown).toMatchObject({ code, field: 'agreementsVersion' });
  });
});
