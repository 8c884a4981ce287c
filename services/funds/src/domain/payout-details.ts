import type { PayoutMethod } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';

/** The details a treasurer gives when recording a payout: identifiers and a hash, never prose or documents. */
const PROOF_SHA256 = /^[0-9a-f]{64}$/;
// Letters, digits and the punctuation references and file names use; no control characters, no free prose.
const REFERENCE = /^[\p{L}\p{N}][\p{L}\p{N} ._:/#-]{0,119}$/u;

export function checkReference(value: string | null, field: string, required: boolean): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') {
    if (required) throw new DomainRuleViolation('REFERENCE_REQUIRED', 'Give the reference that finds this payment outside the platform', field);
    return null;
  }
  if (!REFERENCE.test(trimmed)) {
    throw new DomainRuleViolation('INVALID_REFERENCE', 'Up to 120 letters, digits, spaces and . _ : / # -, starting with a letter or digit', field);
  }
  return trimmed;
}

/** A manual payout needs its proof; the processor's own reference is its proof. */
export function checkProof(method: PayoutMethod, proofSha256: string | null): string | null {
  if (proofSha256 === null || proofSha256 === '') {
    if (method === 'processor') return null;
    throw new DomainRuleViolation('PROOF_REQUIRED', 'Give the SHA-256 of the receipt or bank statement', 'proofSha256');
  }
  const lower = proofSha256.toLowerCase();
  if (!PROOF_SHA256.test(lower)) throw new DomainRuleViolation('INVALID_PROOF_HASH', 'A SHA-256 is 64 hexadecimal characters', 'proofSha256');
  return lower;
}
