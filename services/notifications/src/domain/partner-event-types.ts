import { IncidentClosedV1, IncidentDeclaredV1, RequestPostedV1 } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';

/** The integration events whose public facts partner webhooks receive: the only types an endpoint may ask for. */
export const PARTNER_EVENT_TYPES = [RequestPostedV1.type, IncidentDeclaredV1.type, IncidentClosedV1.type] as const;
export type PartnerEventType = (typeof PARTNER_EVENT_TYPES)[number];

export function isPartnerEventType(type: string): type is PartnerEventType {
  return (PARTNER_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * The event types an endpoint asks for, each once; empty means all of them. A type partners are never sent
 * would only make an endpoint that silently hears nothing, so it is refused, and so is a list longer than there
 * are types to ask for.
 */
export function partnerEventTypes(types: readonly string[], field = 'eventTypes'): PartnerEventType[] {
  if (types.length > PARTNER_EVENT_TYPES.length) {
    throw new DomainRuleViolation('INVALID_EVENT_TYPE', `Ask for at most ${PARTNER_EVENT_TYPES.length} event types, each once`, field);
  }
  return [
    ...new Set(
      types.map((type, index) => {
        if (isPartnerEventType(type)) return type;
        throw new DomainRuleViolation('INVALID_EVENT_TYPE', `Partners can receive only ${PARTNER_EVENT_TYPES.join(', ')}`, `${field}.${index}`);
      }),
    ),
  ];
}
