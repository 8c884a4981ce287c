import type { NotificationKind } from '../notification-kinds';
import type { TemplateParams } from './render-message';

/**
 * What each kind is rendered with, by example. Templates may use only these parameters: the template tests render
 * every kind with them, and a pod's template preview uses them too.
 */
export const TEMPLATE_EXAMPLES: Record<NotificationKind, TemplateParams> = {
  welcome: { name: 'Ana' },
  'request-posted': { title: 'Groceries' },
  'match-made': { title: 'Groceries', otherName: 'Bo', otherAnonymous: false, role: 'helper' },
  'incident-declared': { title: 'Flood on Rua Alegre', severity: 'extreme', declaredAt: new Date('2026-11-25T03:00:00Z') },
  'incident-closed': { title: 'Flood on Rua Alegre', closedAt: new Date('2026-11-26T15:00:00Z') },
  'role-term-ending': { role: 'coordinator', termEnd: new Date('2026-12-31T12:00:00Z'), renewable: true },
  'coordinator-gap': { hasGrace: true, graceUntil: new Date('2027-01-14T12:00:00Z') },
  'webhook-endpoint-disabled': { host: 'partner.example.org', failures: 5 },
  'sign-in-code': { code: '493817', expiresAt: new Date('2026-11-25T10:15:00Z') },
  'contact-verification-code': { code: '493817', expiresAt: new Date('2026-11-25T10:15:00Z') },
  'phone-tree-call': { reason: 'Flood on Rua Alegre', branchSize: 2 },
  'helper-suggested': { category: 'groceries', urgency: 'emergency' },
  'match-withdrawn': { title: 'Groceries', withdrawnBy: 'helper' },
  'disbursement-proposed': { amount: 42.5, currency: 'EUR', category: 'food', approvalsRequired: 2, overBudget: true },
  'budget-exceeded': { category: 'food', currency: 'EUR', budget: 200, committed: 242.5 },
  'request-fulfilled': { category: 'groceries', hours: 1.5 },
  'proposal-opened': { title: 'Buy a shared freezer', deadline: new Date('2026-12-20T18:00:00Z'), round: 1 },
  'proposal-deadline-near': { title: 'Buy a shared freezer', deadline: new Date('2026-12-20T18:00:00Z') },
  'proposal-decided': { title: 'Buy a shared freezer', outcome: 'passed', votesCast: 7, electorateSize: 9 },
  digest: { count: 3, items: '- one\n- two\n- three' },
};
