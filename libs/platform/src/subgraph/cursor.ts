/**
 * Page cursors are opaque to clients: the last item's sort key, written as text by the list that pages and sent as
 * base64url. Each list parses and checks the key itself, refusing any text it did not write.
 */
export function opaqueCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** The sort-key text in a cursor (whatever a crafted cursor decodes to: check it before use). */
export function cursorKey(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
