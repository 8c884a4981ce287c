/** What kind of help a request asks for. Order is the order shown to people. */
export const REQUEST_CATEGORIES = [
  'food',
  'groceries',
  'meals',
  'housing',
  'transport',
  'childcare',
  'eldercare',
  'medical',
  'money',
  'skills',
  'errands',
  'emotional-support',
  'translation',
  'other',
] as const;
export type RequestCategory = (typeof REQUEST_CATEGORIES)[number];

/** How soon help is needed, most pressing first. */
export const URGENCIES = ['emergency', 'urgent', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** The outcome of matching a request against the pod's members. */
export const EVALUATION_STATUSES = ['candidates-found', 'no-candidates'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];
