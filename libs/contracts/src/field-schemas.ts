import { checkPlainText, describeTextProblem, forbiddenCharacterIn, INVALID_TEXT, type PlainTextRule } from '@mutuo/domain';
import { z } from 'zod';

/** Field schemas shared by contracts, so the same kind of value is validated the same way everywhere. */

export const uuidField = () => z.uuid();

export const timestampField = () => z.iso.datetime({ offset: true });

/** A BCP 47 language tag such as `en`, `pt-BR` or `sr-Latn`. */
export const languageTagField = () => z.string().min(2).max(35).refine(isLanguageTag, { message: 'Invalid BCP 47 language tag' });

/** An IANA time zone such as `Europe/Berlin`. */
export const timeZoneField = () => z.string().min(1).max(64).refine(isTimeZone, { message: 'Unknown IANA time zone' });

/** Lowercase words joined by "-", for URLs. */
export const slugField = () =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'Use lowercase letters and digits joined by "-"' });

/** Text people wrote: no control characters (beyond tab and line breaks), lone surrogates or noncharacters. */
export const displayTextField = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => forbiddenCharacterIn(text) === null, { message: 'Contains a control character, lone surrogate or noncharacter' });

/**
 * Free text from a client, held to the shared plain-text rule (see @mutuo/domain plainText) and output in its
 * normal form. A refusal carries the code INVALID_TEXT; the path names the field.
 */
export const plainTextField = (rule: Omit<PlainTextRule, 'field' | 'code'>) =>
  z.string().transform((text, ctx) => {
    const checked = checkPlainText(text, rule);
    if (checked.ok) return checked.text;
    ctx.addIssue({ code: 'custom', message: describeTextProblem({ ...rule, field: 'the text' }, checked.problem), params: { code: INVALID_TEXT } });
    return z.NEVER;
  });

export function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
