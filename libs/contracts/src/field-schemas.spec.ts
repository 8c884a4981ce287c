import { displayTextField, plainTextField } from './field-schemas';

describe('plainTextField', () => {
  const reason = plainTextField({ min: 0, max: 5, multiline: true });

  it('outputs the normal form of the text', () => {
    expect(reason.parse('  Cafe\u0301\r\n ')).toBe('Caf\u00E9');
  });

  it('refuses control, invisible-only and too long text with the INVALID_TEXT code', () => {
    for (const text of ['a\u0000b', '\u200B\u2060', '🍞🍞🍞🍞🍞🍞']) {
      const result = reason.safeParse(text);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ code: 'custom', params: { code: 'INVALID_TEXT' } });
    }
    expect(reason.safeParse('🍞🍞🍞🍞🍞').success).toBe(true);
  });
});

describe('displayTextField', () => {
  it('refuses a NUL byte in event text', () => {
    expect(displayTextField(20).safeParse('Flood\u0000zone').success).toBe(false);
    expect(displayTextField(20).safeParse('Flood zone').success).toBe(true);
  });
});
