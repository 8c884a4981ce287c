import type { TemplateSet } from './shipped-templates';

/** The shipped templates in English: one file per language, so a translation is reviewed on its own. */
export const en: TemplateSet = {
  welcome: {
    standard: { subject: 'Welcome to your pod, {name}', body: 'Welcome to the pod, {name}. Ask for help when you need it, offer it when you can.' },
    plain: { subject: 'Welcome, {name}', body: 'Welcome, {name}. You can ask for help. You can help others too.' },
  },
  'request-posted': {
    standard: { subject: 'Your request is posted', body: 'Your request "{title}" is posted. People in your pod can see it now.' },
    plain: { subject: 'Request posted', body: 'We posted your request "{title}". People near you can see it.' },
  },
  'match-made': {
    standard: {
      subject: 'A match for "{title}"',
      body: '{role, select, helper {You agreed to help {otherAnonymous, select, true {a neighbour} other {{otherName}}} with "{title}".} other {{otherName} will help you with "{title}".}} Open the app to arrange the details.',
    },
    plain: {
      subject: 'Match for "{title}"',
      body: '{role, select, helper {You will help {otherAnonymous, select, true {a neighbour} other {{otherName}}}.} other {{otherName} will help you.}} It is about "{title}". Open the app for details.',
    },
  },
  'incident-declared': {
    standard: {
      subject: 'Emergency: {title}',
      body: 'An emergency was declared in your area at {declaredAt, time, short} on {declaredAt, date, long}: {title}. {severity, select, extreme {Danger to life: follow official instructions now.} severe {Serious danger: be ready to act.} other {Stay informed.}}',
    },
    plain: {
      subject: 'Emergency near you',
      body: 'Emergency near you: {title}. {severity, select, extreme {Your life may be in danger. Do what officials say now.} severe {This is serious. Get ready.} other {Keep watching for news.}}',
    },
  },
  'incident-closed': {
    standard: { subject: 'Emergency over: {title}', body: 'The emergency "{title}" was closed on {closedAt, date, long} at {closedAt, time, short}.' },
    plain: { subject: 'Emergency is over', body: 'The emergency "{title}" is over.' },
  },
  'role-term-ending': {
    standard: {
      subject: 'Your {role} term ends soon',
      body: 'Your term as {role} ends on {termEnd, date, long}. {renewable, select, true {You can renew it or hand it over.} other {You have served the most terms in a row: please hand it over.}}',
    },
    plain: {
      subject: 'Your {role} role ends soon',
      body: 'You are {role} until {termEnd, date, long}. {renewable, select, true {You can stay on, or give the role to someone.} other {Please give the role to someone else.}}',
    },
  },
  'coordinator-gap': {
    standard: {
      subject: 'Your pod needs a coordinator',
      body: '{hasGrace, select, true {The pod has a coordinator only until {graceUntil, date, long}.} other {The pod has no coordinator now.}} Please help it find one.',
    },
    plain: { subject: 'Pod needs a coordinator', body: 'Your pod needs a new coordinator. Can you help find one?' },
  },
  'webhook-endpoint-disabled': {
    standard: {
      subject: 'Partner webhook to {host} disabled',
      body: 'Deliveries to {host} failed {failures, plural, one {# time} other {# times}} in a row, so the endpoint was disabled. Fix it, then enable it again.',
    },
    plain: { subject: 'Partner link stopped', body: 'We could not reach {host} {failures, plural, one {# time} other {# times}}. We stopped sending to it.' },
  },
  'sign-in-code': {
    standard: {
      subject: 'Your Mutuo sign-in code',
      body: 'Your sign-in code is {code}. It works until {expiresAt, time, short}. If you did not ask for it, ignore this message.',
    },
    plain: { subject: 'Your code', body: 'Your code is {code}. Use it before {expiresAt, time, short}.' },
  },
  'contact-verification-code': {
    standard: { subject: 'Confirm your contact', body: 'Your confirmation code is {code}. It works until {expiresAt, time, short}.' },
    plain: { subject: 'Your code', body: 'Your code is {code}. Use it before {expiresAt, time, short}.' },
  },
  'phone-tree-call': {
    standard: {
      subject: 'Phone tree: please confirm',
      body: 'The phone tree of your pod is active: {reason}. Please confirm in the app{branchSize, plural, =0 {.} one {, then call the # person on your branch.} other {, then call the # people on your branch.}}',
    },
    plain: {
      subject: 'Phone tree: say you got this',
      body: 'Phone tree: {reason}. Tell us you got this message{branchSize, plural, =0 {.} one {. Then call # person.} other {. Then call # people.}}',
    },
  },
  digest: {
    standard: {
      subject: '{count, plural, one {# new notification} other {# new notifications}}',
      body: 'Since your last message: {count, plural, one {# new notification} other {# new notifications}}.\n{items}',
    },
    plain: {
      subject: '{count, plural, one {# new message} other {# new messages}}',
      body: 'You have {count, plural, one {# new message} other {# new messages}}:\n{items}',
    },
  },
  'helper-suggested': {
    standard: {
      subject: '{urgency, select, emergency {Urgent: } other {}}Someone nearby needs help',
      body: 'Someone nearby needs help with {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}. Open the app to accept or decline.',
    },
    plain: {
      subject: 'Someone near you needs help',
      body: 'Someone near you needs help with {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}. Open the app. Say yes or no.',
    },
  },
  'match-withdrawn': {
    standard: {
      subject: 'The match for "{title}" was withdrawn',
      body: '{withdrawnBy, select, requester {The person you were helping} helper {Your helper} other {A coordinator}} withdrew the match for "{title}". You do not need to do anything; open the app to see what happens next.',
    },
    plain: { subject: 'Match stopped', body: 'The match for "{title}" is stopped. You do not need to do anything.' },
  },
  'disbursement-proposed': {
    standard: {
      subject: 'A payment of {amount, number, money} needs your approval',
      body: 'A payment of {amount, number, money} for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} was proposed and needs approval ({approvalsRequired, plural, one {# approval} other {# approvals}} needed). {overBudget, select, true {It goes over this month’s budget for the category.} other {It is within the budget.}} Open the app to approve or reject it.',
    },
    plain: {
      subject: 'Please check a payment',
      body: 'Someone asks to pay {amount, number, money} for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}. {overBudget, select, true {This is more than the budget.} other {This fits the budget.}} Open the app. Say yes or no.',
    },
  },
  'budget-exceeded': {
    standard: {
      subject:
        'The {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} budget is exceeded',
      body: 'This month {committed, number, money} is committed for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}}, over the budget of {budget, number, money}. Please review the proposals.',
    },
    plain: {
      subject: 'Budget used up',
      body: 'The money for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} this month is used up. It is {committed, number, money}. The budget is {budget, number, money}.',
    },
  },
  'proposal-opened': {
    standard: {
      subject: '{round, plural, =1 {New proposal} other {Amended proposal}}: {title}',
      body: '{round, plural, =1 {Your pod has a new proposal} other {A proposal of your pod was amended}}: “{title}”. You can vote until {deadline, date, long}. Open the app to read it and vote.',
    },
    plain: { subject: 'Please vote: {title}', body: 'Your pod asks you to decide: “{title}”. Vote before {deadline, date, long}. Open the app.' },
  },
  'proposal-deadline-near': {
    standard: {
      subject: 'One day left to vote: {title}',
      body: 'Voting on “{title}” ends on {deadline, date, long}. If you have not voted yet, or want to change your vote, open the app.',
    },
    plain: { subject: 'Vote soon: {title}', body: 'You can vote on “{title}” until {deadline, date, long}. Open the app.' },
  },
  'proposal-decided': {
    standard: {
      subject: 'Decided: {title}',
      body: '“{title}” {outcome, select, passed {passed} rejected {did not pass} blocked {was blocked} no_quorum {did not reach its quorum} other {was decided}}. {votesCast} of {electorateSize} members voted. Open the app to see the tally.',
    },
    plain: {
      subject: 'Result: {title}',
      body: '“{title}”: {outcome, select, passed {yes, it goes ahead} rejected {no} blocked {no, someone blocked it} no_quorum {too few people voted} other {decided}}. {votesCast} of {electorateSize} people voted.',
    },
  },
  'request-fulfilled': {
    standard: {
      subject: 'Thank you for helping',
      body: 'Thank you: the request for {category, select, food {food} groceries {groceries} meals {meals} housing {housing} transport {transport} childcare {childcare} eldercare {eldercare} medical {medical needs} money {money} skills {a skill} errands {errands} emotional_support {emotional support} translation {translation} administration {administration} other {something}} is fulfilled. You gave {hours, plural, one {# hour} other {# hours}}.',
    },
    plain: { subject: 'Thank you', body: 'Thank you for your help. You gave {hours, plural, one {# hour} other {# hours}}.' },
  },
};
