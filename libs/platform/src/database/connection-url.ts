/**
 * The database URL with the password in it, for pg clients opened beside the ORM (listeners, advisory locks).
 * pg lets the fields parsed from `connectionString` override the config's own, so `{ connectionString, password }`
 * loses a password the URL does not carry: it has to travel inside the URL.
 */
export function databaseUrlWithPassword(url: string, password: string | undefined): string {
  if (password === undefined || password === '') return url;
  const parsed = new URL(url);
  // Encoded in full (the setter would leave '%' as it is); pg decodes it again.
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
