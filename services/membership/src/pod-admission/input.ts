import { badUserInput, commandMetadataFrom, forbidden, requireIdentity, type Identity, type RequestContext } from '@mutuo/platform';
import { isUuid, type CommandMetadata } from '@mutuo/domain';

/** Ids from clients become stream names and SQL parameters only once they look like ids. */
export function requireUuid(field: string, value: string): string {
  if (!isUuid(value)) throw badUserInput(field, `${field} must be an id this API returned`);
  return value.toLowerCase();
}

/**
 * Joining, applying, acknowledging and leaving are a person's own acts: a partner app's token (which carries
 * scopes, where a person's carries none) may not do them on anyone's behalf.
 */
export function requirePerson(ctx: RequestContext): Identity {
  const identity = requireIdentity(ctx);
  if (identity.scopes !== undefined) throw forbidden('Only a person can do this for themself, not a partner app');
  return identity;
}

/**
 * The pod a person joins or applies to: the one they name, else the one in their token. Naming it lets someone in
 * no pod yet (a newcomer just signed in) join; the token's pod is only a default.
 */
export function podToEnter(ctx: RequestContext, podIdInput: string | null | undefined): { identity: Identity; podId: string } {
  const identity = requirePerson(ctx);
  if (podIdInput != null) return { identity, podId: requireUuid('podId', podIdInput) };
  if (!identity.podId) throw badUserInput('podId', 'Name the pod (podId): your token names no pod yet');
  return { identity, podId: identity.podId };
}

/** The command's metadata names the pod acted in, not another pod (and its region) the token may name. */
export function metadataInPod(ctx: RequestContext, podId: string, now: Date): CommandMetadata {
  const metadata = commandMetadataFrom(ctx, now);
  if (metadata.podId === podId) return metadata;
  const { regionId: _tokenRegion, ...rest } = metadata;
  return { ...rest, podId };
}
