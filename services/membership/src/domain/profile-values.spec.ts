import { encodeGeohash, isGeohash } from '@mutuo/domain';
import { canonicalLanguageTag, normalizeContactValue } from './profile-values';
import { parseWeeklyRule } from '@mutuo/domain';

describe('geohash cells', () => {
  it('encodes the reference point of the geohash description', () => {
    expect(encodeGeohash({ lat: 57.64911, lon: 10.40744 }, 11)).toBe('u4pruydqqvj');
  });

  it('accepts only the geohash alphabet at the asked precision', () => {
    expect(isGeohash('eycs21', 6)).toBe(true);
    expect(isGeohash('eycs2', 6)).toBe(false);
    for (const letter of ['a', 'i', 'l', 'o', 'E']) expect(isGeohash(`eycs2${letter}`, 6)).toBe(false);
  });
});

describe('language tags', () => {
  it.each([
    ['pt-br', 'pt-BR'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['mwl', 'mwl'],
    ['ase', 'ase'],
  ])('canonicalises %s to %s', (tag, canonical) => expect(canonicalLanguageTag(tag)).toBe(canonical));

  it.each(['english', 'pt_BR', 'qq', 'x-private', '', 'en,pt'])('refuses %p', (tag) => expect(canonicalLanguageTag(tag)).toBeNull());
});

describe('contact values', () => {
  it('keeps e-mail local parts and lowercases domains', () => {
    expect(normalizeContactValue('email', ' Ana.Silva+mutuo@Example.ORG ')).toBe('Ana.Silva+mutuo@example.org');
  });

  it.each(['ana', 'ana@localhost', 'ana@@example.org', 'a b@example.org', 'ana@example.123', `${'a'.repeat(65)}@example.org`])(
    'refuses the address %p',
    (value) => expect(normalizeContactValue('email', value)).toBeNull(),
  );

  it('writes phone numbers in E.164 and refuses national ones', () => {
    expect(normalizeContactValue('phone', '+44 (20) 7946-0958')).toBe('+442079460958');
    expect(normalizeContactValue('phone', '020 7946 0958')).toBeNull();
    expect(normalizeContactValue('phone', '+0123456789')).toBeNull();
    expect(normalizeContactValue('phone', '+1234567890123456')).toBeNull();
  });

  it('takes messaging handles without spaces', () => {
    expect(normalizeContactValue('messaging', '@ana:matrix.org')).toBe('@ana:matrix.org');
    expect(normalizeContactValue('messaging', 'a')).toBeNull();
  });
});

describe('weekly rules', () => {
  it('reads a rule in any case and order and writes it canonically', () => {
    expect(parseWeeklyRule('rrule:byminute=30,0;byhour=18,9;byday=we,mo;freq=weekly;wkst=mo;interval=1')).toEqual({
      ok: true,
      rule: { days: ['MO', 'WE'], hours: [9, 18], minutes: [0, 30] },
      canonical: 'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9,18;BYMINUTE=0,30',
    });
  });

  it.each([
    ['FREQ=MONTHLY;BYDAY=MO;BYHOUR=9', /FREQ must be WEEKLY/],
    ['FREQ=WEEKLY;BYHOUR=9', /BYDAY is required/],
    ['FREQ=WEEKLY;BYDAY=MO', /BYHOUR is required/],
    ['FREQ=WEEKLY;BYDAY=1MO;BYHOUR=9', /BYDAY "1MO"/],
    ['FREQ=WEEKLY;BYDAY=MO,MO;BYHOUR=9', /lists MO twice/],
    ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=24', /BYHOUR "24"/],
    ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=60', /BYMINUTE "60"/],
    ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;UNTIL=20270101T000000Z', /UNTIL is not supported/],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9', /INTERVAL must be 1/],
    ['FREQ=WEEKLY;FREQ=WEEKLY;BYDAY=MO;BYHOUR=9', /FREQ is given twice/],
    ['DTSTART:20261123T090000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=9', /single RRULE line/],
    ['FREQ=WEEKLY;;BYDAY=MO', /is not NAME=VALUE/],
    ['', /1 to 200 characters/],
  ])('refuses %p', (text, reason) => {
    const parsed = parseWeeklyRule(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});
