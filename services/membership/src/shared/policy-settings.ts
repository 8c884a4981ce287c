// Session settings with which a query opts in to a row-level security policy that reads across pods.
// The migrations that created those policies keep their own literal copies: a migration is a frozen record.

/** The pause-return scheduler reads due returns across pods. */
export const PAUSE_SCAN_SETTING = 'mutuo.member_pauses_scan';
export const PAUSE_SCAN_VALUE = 'due-returns';

/** A region's pod applications are read by the region, not by one pod. */
export const REGION_READ_SETTING = 'mutuo.region_id';

/** Sign-in looks a person up across pods. */
export const SIGN_IN_LOOKUP_SETTING = 'mutuo.sign_in_lookup';
export const SIGN_IN_LOOKUP_VALUE = 'across-pods';

/** The role-term scheduler reads due terms across pods. */
export const ROLE_TERMS_SCAN_SETTING = 'mutuo.role_terms_scan';
export const ROLE_TERMS_SCAN_VALUE = 'due-terms';

/** The proposal deadline scheduler reads due proposals across pods. */
export const PROPOSALS_SCAN_SETTING = 'mutuo.proposals_scan';
export const PROPOSALS_SCAN_VALUE = 'due-proposals';
