import { KeyEncryptionKeys, DEV_PERSONAL_DATA_KEKS } from '@mutuo/event-store';
import { z } from 'zod';

/**
 * PERSONAL_DATA_KEKS: the key-encryption keys that wrap members' data keys in the database (libs/event-store
 * personal-data), `id:base64key[,id:base64key…]`, the first one primary. The problem is named, never the key.
 */
export const personalDataKeksShape = {
  PERSONAL_DATA_KEKS: z
    .string()
    .transform((text, ctx) => {
      try {
        return KeyEncryptionKeys.parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'is not a list of id:base64key' });
        return z.NEVER;
      }
    })
    .optional(),
};

export interface PersonalDataKeksVariables {
  readonly NODE_ENV?: unknown;
  readonly PERSONAL_DATA_KEKS?: KeyEncryptionKeys;
}

/** Production must bring its own keys: missing, or listing the published development key, is refused. */
export function checkPersonalDataKeks(config: PersonalDataKeksVariables, ctx: z.RefinementCtx): void {
  if (config.NODE_ENV !== 'production') return;
  const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_KEKS'], message, input: undefined });
  const keks: unknown = config.PERSONAL_DATA_KEKS;
  if (keks === undefined) fail('is required in production');
  // A malformed list has its own issue already.
  else if (keks instanceof KeyEncryptionKeys && keks.usesDevelopmentKey()) fail('must not list the development key in production');
}

/** The configured keys, or the development ones (which checkPersonalDataKeks refuses in production). */
export function resolvePersonalDataKeks(keks: KeyEncryptionKeys | undefined): KeyEncryptionKeys {
  return keks ?? KeyEncryptionKeys.parse(DEV_PERSONAL_DATA_KEKS);
}
