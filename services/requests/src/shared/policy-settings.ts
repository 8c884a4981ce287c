// Session settings with which a query opts in to a row-level security policy that reads across pods.
// The migration that created the policy keeps its own literal copy: a migration is a frozen record.

/** The expiry scheduler reads due requests across pods. */
export const EXPIRY_SCAN_SETTING = 'mutuo.requests_expiry_scan';
export const EXPIRY_SCAN_VALUE = 'due';
