/**
 * Checks and normal forms for the values a member writes into their profile. Pure functions: the
 * deciders turn a `null` result into a DomainRuleViolation naming the field. Free text (names,
 * pronouns) goes through the shared plainText rule of @mutuo/domain.
 */

const knownLanguages = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/**
 * The canonical form of a BCP 47 tag (`pt-br` → `pt-BR`), or null when it is malformed or its
 * language is unknown. Intl accepts any 5-8 letter word as a language subtag ("english"), so the
 * language must also be one ICU can name.
 */
export function canonicalLanguageTag(tag: string): string | null {
  let canonical: string;
  try {
    const [first, ...rest] = Intl.getCanonicalLocales(tag);
    if (!first || rest.length > 0) return null;
    canonical = first;
  } catch {
    return null;
  }
  const language = new Intl.Locale(canonical).language;
  if (!/^[a-z]{2,3}$/.test(language)) return null;
  try {
    return knownLanguages.of(language) ? canonical : null;
  } catch {
    return null;
  }
}

export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const CONTACT_CHANNEL_KINDS = ['email', 'phone', 'messaging'] as const;
export type ContactChannelKind = (typeof CONTACT_CHANNEL_KINDS)[number];

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const HANDLE = /^[^\s\p{Cc}\p{Cf}]{2,100}$/u;

/**
 * The stored form of a contact value, or null when it is not valid for its kind: an e-mail address
 * (domain lowercased), a phone number in E.164 (`+351912345678`; spaces, dots, dashes and brackets
 * are dropped) or a messaging handle (2-100 visible characters, e.g. `@ana:matrix.org`).
 */
export function normalizeContactValue(kind: ContactChannelKind, value: string): string | null {
  const trimmed = value.trim();
  switch (kind) {
    case 'email': {
      if (trimmed.length > 254) return null;
      const at = trimmed.lastIndexOf('@');
      if (at < 1) return null;
      const local = trimmed.slice(0, at);
      const domain = trimmed.slice(at + 1).toLowerCase();
      const labels = domain.split('.');
      if (local.length > 64 || !EMAIL_LOCAL.test(local)) return null;
      if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) return null;
      return `${local}@${domain}`;
    }
    case 'phone': {
      const compact = trimmed.replace(/[\s().-]/g, '');
      return E164.test(compact) ? compact : null;
    }
    case 'messaging':
      return HANDLE.test(trimmed) ? trimmed : null;
  }
}

/** Two values of one kind name the same channel (e-mail addresses compare without case). */
export function sameContactValue(kind: ContactChannelKind, a: string, b: string): boolean {
  return kind === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
