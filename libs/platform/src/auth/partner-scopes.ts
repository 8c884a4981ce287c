// The scope list is shared vocabulary (membership validates grants against it, services check it).
export { PARTNER_SCOPES, isPartnerScope, type PartnerScope } from '@mutuo/contracts';
