import { DomainRuleViolation } from '../decider';

/**
 * The one rule for free text that comes from outside (titles, names, reasons, descriptions...). Text is
 * stored, projected, put into e-mails, SMS and XML, so characters that break those (controls, lone
 * surrogates, noncharacters) are refused where the text enters, never cleaned up downstream.
 */

export const INVALID_TEXT = 'INVALID_TEXT';

export interface PlainTextRule {
  /** The input field, named in the refusal. */
  readonly field: string;
  /** Fewest characters after trimming (default 1). */
  readonly min?: number;
  /** Most characters after trimming and normalising. */
  readonly max: number;
  /**
   * Allows line breaks and tabs (descriptions, agreements); CR LF and CR become LF. Single-line text
   * refuses them and has each run of spaces made one space.
   */
  readonly multiline?: boolean;
  /** The refusal's code, for fields that had their own before (default INVALID_TEXT). */
  readonly code?: string;
}

/** Why a text was refused, with the offending character when there is one. */
export type TextProblem =
  | { readonly kind: 'control'; readonly codePoint: number }
  | { readonly kind: 'lone-surrogate'; readonly codePoint: number }
  | { readonly kind: 'noncharacter'; readonly codePoint: number }
  | { readonly kind: 'invisible' }
  | { readonly kind: 'length'; readonly length: number };

const LINE_BREAKS = /\r\n?|[\u2028\u2029]/g;
// Zero-width space, joiners, word joiner and BOM are invisible padding at either end (all in the BMP).
const PADDING = /[\p{White_Space}\u200B-\u200D\u2060\uFEFF]/u;
// What a reader sees nothing of: spaces, format characters, default-ignorables, Hangul fillers, the blank braille cell.
const INVISIBLE = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\u3164\uFFA0]*$/u;

const isControl = (codePoint: number) => codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
const isSurrogate = (codePoint: number) => codePoint >= 0xd800 && codePoint <= 0xdfff;
/** U+FDD0..U+FDEF and the last two code points of every plane: never meant for interchange. */
const isNoncharacter = (codePoint: number) => (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;

/**
 * The first character that has no place in any text from outside: a C0/C1 control (tab, LF and CR
 * only when `allowed` says so), a lone surrogate or a noncharacter. Also serves as the general net at
 * the GraphQL and message boundaries, where every string is held to at least this.
 */
export function forbiddenCharacterIn(text: string, allowed: { readonly lineBreaks: boolean } = { lineBreaks: true }): TextProblem | null {
  // for..of walks code points: a paired surrogate arrives whole, a lone one on its own.
  for (const character of text) {
    const codePoint = character.codePointAt(0)!;
    if (isControl(codePoint)) {
      const lineBreakOrTab = codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
      if (!(lineBreakOrTab && allowed.lineBreaks)) return { kind: 'control', codePoint };
    } else if (isSurrogate(codePoint)) {
      return { kind: 'lone-surrogate', codePoint };
    } else if (isNoncharacter(codePoint)) {
      return { kind: 'noncharacter', codePoint };
    }
  }
  return null;
}

/** Scans from both ends: a regex anchored at the end would retry every run of spaces inside, in quadratic time. */
function withoutPadding(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PADDING.test(text[start]!)) start++;
  while (end > start && PADDING.test(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** Length as a reader counts it closer than UTF-16 does: code points, so an emoji such as 🍞 is one. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _character of text) count++;
  return count;
}

/** The normalised text, or the problem with it. */
export function checkPlainText(text: string, rule: Omit<PlainTextRule, 'field' | 'code'>): { ok: true; text: string } | { ok: false; problem: TextProblem } {
  const multiline = rule.multiline ?? false;
  // Line breaks and padding at either end are trimmed first: a single line pasted with its newline is fine.
  const trimmed = withoutPadding(text);
  const forbidden = forbiddenCharacterIn(trimmed, { lineBreaks: multiline });
  if (forbidden) return { ok: false, problem: forbidden };
  const separator = multiline ? null : /[\u2028\u2029]/.exec(trimmed);
  if (separator) return { ok: false, problem: { kind: 'control', codePoint: separator[0].codePointAt(0)! } };
  // Only blank text counts as empty; text of nothing but invisible characters is refused as such.
  if (INVISIBLE.test(text) && /[^\p{White_Space}]/u.test(text)) return { ok: false, problem: { kind: 'invisible' } };
  let normal = trimmed.normalize('NFC');
  // A line keeps single spaces, so names that differ only in spacing are the same name.
  normal = multiline ? normal.replace(LINE_BREAKS, '\n') : normal.replace(/\p{Zs}+/gu, ' ');
  const min = rule.min ?? 1;
  const length = characterCount(normal);
  if (length < min || length > rule.max) return { ok: false, problem: { kind: 'length', length } };
  return { ok: true, text: normal };
}

/** Trimmed, NFC-normalised text within the rule, or a DomainRuleViolation naming the field and the reason. */
export function plainText(text: string, rule: PlainTextRule): string {
  const result = checkPlainText(text, rule);
  if (result.ok) return result.text;
  throw new DomainRuleViolation(rule.code ?? INVALID_TEXT, describeTextProblem(rule, result.problem), rule.field);
}

/** Like plainText, for an optional field: null and undefined stay null, and so does text that trims to nothing when min is 0. */
export function optionalPlainText(text: string | null | undefined, rule: PlainTextRule): string | null {
  if (text === null || text === undefined) return null;
  const checked = plainText(text, rule);
  return checked.length === 0 ? null : checked;
}

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

export function describeTextProblem(rule: Pick<PlainTextRule, 'field' | 'min' | 'max' | 'multiline'>, problem: TextProblem): string {
  switch (problem.kind) {
    case 'control':
      return `${rule.field} may not contain the control character ${hex(problem.codePoint)}${rule.multiline ? '' : ' (it is a single line)'}`;
    case 'lone-surrogate':
      return `${rule.field} contains a broken character (lone surrogate ${hex(problem.codePoint)})`;
    case 'noncharacter':
      return `${rule.field} may not contain the noncharacter ${hex(problem.codePoint)}`;
    case 'invisible':
      return `${rule.field} has no visible characters`;
    case 'length': {
      const min = rule.min ?? 1;
      return min === 0 ? `${rule.field} has at most ${rule.max} characters` : `${rule.field} has ${min} to ${rule.max} characters`;
    }
  }
}
