// Session settings with which a query opts in to a row-level security policy that reads across pods.
// The migration that created the policy keeps its own literal copy: a migration is a frozen record.

/** Suggesting helpers, the suggestions projection and escalation read a region's candidates across pods. */
export const MATCHING_SCAN_SETTING = 'mutuo.matching_scan';
export const MATCHING_SCAN_VALUE = 'region-candidates';
