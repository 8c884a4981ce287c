import { cursorKey, opaqueCursor } from './cursor';

describe('page cursors', () => {
  it('carry the sort key as base64url text and give it back', () => {
    const cursor = opaqueCursor('2026-01-05T09:00:00.000Z|3f6b2d1e-8c4a-4f0e-9b7d-5a1c2e9f0d34');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursorKey(cursor)).toBe('2026-01-05T09:00:00.000Z|3f6b2d1e-8c4a-4f0e-9b7d-5a1c2e9f0d34');
    expect(cursorKey(opaqueCursor('["Zoë","x"]'))).toBe('["Zoë","x"]');
  });

  it('keep the encoding lists already handed out', () => {
    expect(opaqueCursor('transfer:42')).toBe(Buffer.from('transfer:42').toString('base64url'));
  });
});
