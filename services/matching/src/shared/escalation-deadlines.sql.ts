/** Minutes from posting until an unmatched request is overdue, by urgency, when the pod has not tuned them. */
export const DEFAULT_DEADLINE_MINUTES = { emergency: 30, urgent: 240, normal: 2880 } as const;

/** SQL for the moment an open request `r` of pod `p` (left-joined matching_pods) passes its urgency deadline. */
export const DEADLINE_SQL = `(r.posted_at + make_interval(mins => case r.urgency
  when 'emergency' then coalesce(p.emergency_deadline_minutes, ${DEFAULT_DEADLINE_MINUTES.emergency})
  when 'urgent' then coalesce(p.urgent_deadline_minutes, ${DEFAULT_DEADLINE_MINUTES.urgent})
  else coalesce(p.normal_deadline_minutes, ${DEFAULT_DEADLINE_MINUTES.normal}) end))`;
