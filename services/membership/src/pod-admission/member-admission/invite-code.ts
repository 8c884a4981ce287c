import { createHash, randomInt } from 'node:crypto';
import { uuidV5 } from '@mutuo/contracts';

/** Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 12;
const GROUP = 4;

/** Namespace of invite code stream ids. Never change it: every stored code id was derived from it. */
const INVITE_CODE_NAMESPACE = 'c6a3f0d2-5b1e-4c8a-9f27-3d4e5a6b7c81';

/** A code as found in the store: its hash and the id of its stream, both derived from the pod and the code. */
export interface InviteCodeKey {
  readonly codeHash: string;
  readonly codeId: string;
}

/** 12 random characters (60 bits), shown as XXXX-XXXX-XXXX. */
export function newInviteCode(): string {
  const characters = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]!);
  return Array.from({ length: LENGTH / GROUP }, (_, group) => characters.slice(group * GROUP, (group + 1) * GROUP).join('')).join('-');
}

/** The code as typed: any case, with or without separators, with the look-alikes Crockford allows (O for 0, I or L for 1). */
export function normalizeInviteCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (code.length !== LENGTH || [...code].some((character) => !ALPHABET.includes(character))) return null;
  return code;
}

/** The code is scoped to its pod: the same characters in another pod are another code. */
export function inviteCodeKey(podId: string, normalizedCode: string): InviteCodeKey {
  const codeHash = createHash('sha256').update(`${podId.toLowerCase()}:${normalizedCode}`).digest('hex');
  return { codeHash, codeId: uuidV5(codeHash, INVITE_CODE_NAMESPACE) };
}
