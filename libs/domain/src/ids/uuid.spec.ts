import { isUuid } from './uuid';

describe('isUuid', () => {
  it('accepts a UUID of any version, in either case', () => {
    expect(isUuid('3f6b2d1e-8c4a-4f0e-9b7d-5a1c2e9f0d34')).toBe(true);
    expect(isUuid('3F6B2D1E-8C4A-4F0E-9B7D-5A1C2E9F0D34')).toBe(true);
  });

  it('refuses anything else: other strings, ids inside longer text, non-strings', () => {
    expect(isUuid('not-an-id')).toBe(false);
    expect(isUuid(' 3f6b2d1e-8c4a-4f0e-9b7d-5a1c2e9f0d34')).toBe(false);
    expect(isUuid('3f6b2d1e-8c4a-4f0e-9b7d-5a1c2e9f0d34\n')).toBe(false);
    expect(isUuid('3f6b2d1e8c4a4f0e9b7d5a1c2e9f0d34')).toBe(false);
    expect(isUuid(undefined)).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
