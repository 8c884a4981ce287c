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
});

export type TokenClaims = z.output<typeof tokenClaimsSchema>;
