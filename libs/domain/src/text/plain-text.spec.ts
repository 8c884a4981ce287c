import { DomainRuleViolation } from '../decider';
import { characterCount, forbiddenCharacterIn, INVALID_TEXT, optionalPlainText, plainText } from './plain-text';

const title = { field: 'title', min: 3, max: 10 };

function refusal(run: () => unknown): DomainRuleViolation {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainRuleViolation) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('plainText', () => {
  it('trims, including zero-width padding, and makes each run of spaces in a line one space', () => {
    expect(plainText('  \u200BSoup \u00A0 for\u3000two\uFEFF\n', { field: 'title', max: 40 })).toBe('Soup for two');
    expect(plainText('  Soup  \n\n  for two ', { field: 'description', max: 40, multiline: true })).toBe('Soup  \n\n  for two');
  });

  it('normalises to NFC, so the same word is stored the same way however it was typed', () => {
    const decomposed = 'Cafe\u0301';
    expect(plainText(decomposed, title)).toBe('Caf\u00E9');
    expect(plainText(decomposed, title)).toBe(plainText('Caf\u00E9', title));
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['backspace', 'ab\u0008c'],
    ['escape', 'abc\u001B[31m'],
    ['DEL', 'abc\u007F'],
    ['C1 next-line', 'abc\u0085def'],
    ['C1 CSI', 'abc\u009Bdef'],
  ])('refuses the control character %s anywhere, naming the field', (_name, text) => {
    const error = refusal(() => plainText(text, title));
    expect(error.code).toBe(INVALID_TEXT);
    expect(error.field).toBe('title');
    expect(error.message).toMatch(/control character U\+00[0-9A-F]{2}/);
  });

  it('refuses line breaks and tabs in single-line text, and accepts them in multi-line text', () => {
    for (const text of ['one\ntwo', 'one\ttwo', 'one\rtwo', 'one\u2028two']) {
      expect(refusal(() => plainText(text, { field: 'name', max: 20 })).field).toBe('name');
    }
    expect(plainText('one\r\ntwo\rthree\u2029four\tfive', { field: 'description', max: 40, multiline: true })).toBe('one\ntwo\nthree\nfour\tfive');
    expect(refusal(() => plainText('one\n\u0000two', { field: 'description', max: 40, multiline: true })).field).toBe('description');
  });

  it('refuses lone surrogates, at either end or inside', () => {
    for (const text of ['abc\uD83D', '\uDE00abc', 'ab\uD800cd']) {
      expect(refusal(() => plainText(text, title)).message).toMatch(/lone surrogate/);
    }
  });

  it('refuses noncharacters in every plane', () => {
    for (const text of ['abc\uFFFE', 'abc\uFFFF', 'abc\uFDD0', 'abc\u{1FFFF}', 'abc\u{10FFFE}']) {
      expect(refusal(() => plainText(text, title)).message).toMatch(/noncharacter/);
    }
  });

  it.each([
    ['zero-width spaces', '\u200B\u200B\u200B\u200B'],
    ['joiners and a word joiner', '\u200C\u200D\u2060\u200C'],
    ['bidi controls', '\u202E\u202D\u2066\u2069'],
    ['Hangul fillers', '\u3164\u3164\u3164'],
    ['blank braille cells', '\u2800\u2800\u2800'],
    ['soft hyphens and a space', '\u00AD \u00AD\u00AD'],
  ])('refuses text that is only invisible: %s', (_name, text) => {
    const error = refusal(() => plainText(text, title));
    expect(error.field).toBe('title');
    expect(error.message).toMatch(/no visible characters/);
  });

  it('keeps format characters inside visible text, such as the joiner of an emoji sequence', () => {
    const family = '👩\u200D👩\u200D👧';
    expect(plainText(`Hi ${family}`, { field: 'name', max: 20 })).toBe(`Hi ${family}`);
  });

  it('counts length in characters, so astral characters such as emoji count one each', () => {
    expect(characterCount('🍞🍞🍞')).toBe(3);
    expect(plainText('🍞🍞🍞', title)).toBe('🍞🍞🍞');
    expect(plainText('🍞'.repeat(10), title)).toBe('🍞'.repeat(10));
    expect(refusal(() => plainText('🍞'.repeat(11), title)).message).toBe('title has 3 to 10 characters');
    expect(refusal(() => plainText(' ab ', title)).message).toBe('title has 3 to 10 characters');
  });

  it('trims in linear time, so a long run of spaces inside cannot stall the server', () => {
    const started = Date.now();
    expect(() => plainText(`x${' '.repeat(200_000)}x`, { field: 'description', max: 4000, multiline: true })).toThrow(DomainRuleViolation);
    expect(() => plainText(`x${'\u00A0'.repeat(200_000)}x`, { field: 'title', max: 140 })).not.toThrow();
    // Quadratic trimming took tens of seconds here; linear takes milliseconds.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('uses the code a field already had when one is given', () => {
    expect(refusal(() => plainText('a', { ...title, code: 'INVALID_TITLE' })).code).toBe('INVALID_TITLE');
  });

  it('lets optional text stay empty when the rule allows none', () => {
    const note = { field: 'note', min: 0, max: 10 };
    expect(optionalPlainText(null, note)).toBeNull();
    expect(optionalPlainText('   ', note)).toBeNull();
    expect(optionalPlainText(' ok ', note)).toBe('ok');
    expect(refusal(() => optionalPlainText('\u200B\u2800', note)).message).toMatch(/no visible/);
  });
});

describe('forbiddenCharacterIn', () => {
  it('passes ordinary text in any script, with line breaks and tabs', () => {
    expect(forbiddenCharacterIn('Olá, мир, 世界 🌍\r\n\tok')).toBeNull();
  });

  it('names the first forbidden character', () => {
    expect(forbiddenCharacterIn('a\u0000b')).toEqual({ kind: 'control', codePoint: 0 });
    expect(forbiddenCharacterIn('a\nb', { lineBreaks: false })).toEqual({ kind: 'control', codePoint: 10 });
    expect(forbiddenCharacterIn('a\uDC00')).toEqual({ kind: 'lone-surrogate', codePoint: 0xdc00 });
    expect(forbiddenCharacterIn('a\uFFFF')).toEqual({ kind: 'noncharacter', codePoint: 0xffff });
  });
});
