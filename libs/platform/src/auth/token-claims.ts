import { z } from 'zod';

/** The Mutuo claims inside an access token, besides the registered ones (iss, aud, exp, ...). */
export const tokenClaimsSchema = z.object({
  sub: z.string({ error: 'sub must be a string' }).min(1, 'sub must not be empty').max(256, 'sub is too long'),
  pod: z.uuid({ error: 'pod must be a UUID' }).optional(),
  region: z
    .string({ error: 'region must be a string' })
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'region must be a lowercase slug')
    .optional(),
  roles: z
    .array(z.string({ error: 'roles must contain only strings' }).min(1, 'roles must not contain empty strings'), {
      error: 'roles must be a list of strings',
    })
    .max(64, 'roles has too many entries')
    .default([]),
  /** Set on partner-app tokens (client-credentials grant): the registered client acting, never a person. */
  client_id: z
    .string({ error: 'client_id must be a string' })
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'client_id must be 1-128 letters, digits, ".", "_", ":" or "-"')
    .optional(),
  /** OAuth scopes, space-separated (RFC 6749 §3.3). Absent on a person's token: full member rights. */
  scope: z
    .string({ error: 'scope must be a string' })
    .max(1000, 'scope is too long')
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'scope must be scope tokens separated by single spaces')
    .optional(),
  /** The sign-in session (refresh token family) the token was issued in; sign-out revokes it. */
  sid: z.uuid({ error: 'sid must be a UUID' }).optional(),
});

export type TokenClaims = z.output<typeof tokenClaimsSchema>;
