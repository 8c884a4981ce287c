import { DomainRuleViolation } from '@mutuo/domain';
import { NOTIFICATION_KINDS } from '../notification-kinds';
import { chooseLocale, compileTemplate, overrideKey, renderMessage } from './render-message';
import { TEMPLATE_EXAMPLES } from './template-examples';
import { SHIPPED_LOCALES, SHIPPED_TEMPLATES, TEMPLATE_VARIANTS } from './shipped-templates';

const EXAMPLE_PARAMS = TEMPLATE_EXAMPLES;

const everyTemplate = SHIPPED_LOCALES.flatMap((locale) =>
  NOTIFICATION_KINDS.flatMap((kind) => TEMPLATE_VARIANTS.map((variant) => [kind, locale, variant] as const)),
);

describe('notification templates', () => {
  it.each(everyTemplate)('%s renders in %s (%s) with its parameters and nothing left unfilled', (kind, locale, variant) => {
    expect(SHIPPED_TEMPLATES[locale][kind][variant]).toBeDefined();
    const message = renderMessage({ kind, locales: [locale], variant, params: EXAMPLE_PARAMS[kind], timeZone: 'Europe/Lisbon' });
    expect(message.locale).toBe(locale);
    expect(message.subject.length).toBeGreaterThan(3);
    expect(message.body.length).toBeGreaterThan(10);
    expect(`${message.subject} ${message.body}`).not.toMatch(/[{}]/);
  });

  it('writes plurals, numbers and dates the way the language does, in the recipient time zone', () => {
    const en = renderMessage({ kind: 'digest', locales: ['en'], variant: 'standard', params: { count: 1, items: '- x' }, timeZone: 'UTC' });
    expect(en.subject).toBe('1 new notification');
    const pt = renderMessage({ kind: 'digest', locales: ['pt'], variant: 'standard', params: { count: 12, items: '- x' }, timeZone: 'UTC' });
    expect(pt.subject).toBe('12 novas notificações');
    const code = renderMessage({
      kind: 'sign-in-code',
      locales: ['en'],
      variant: 'plain',
      params: EXAMPLE_PARAMS['sign-in-code'],
      timeZone: 'America/Sao_Paulo',
    });
    expect(code.body).toBe('Your code is 493817. Use it before 7:15 AM GMT-3.');
    const term = renderMessage({
      kind: 'role-term-ending',
      locales: ['es'],
      variant: 'standard',
      params: EXAMPLE_PARAMS['role-term-ending'],
      timeZone: 'Europe/Madrid',
    });
    expect(term.body).toContain('31 de diciembre de 2026');
  });

  it('falls back from the member language to the pod language, then to English', () => {
    expect(chooseLocale('pt-BR', 'en')).toBe('pt');
    expect(chooseLocale('de', 'es')).toBe('es');
    expect(chooseLocale(undefined, 'tlh')).toBe('en');
    expect(renderMessage({ kind: 'welcome', locales: ['uk', 'es'], variant: 'standard', params: { name: 'Ana' }, timeZone: 'UTC' }).locale).toBe('es');
  });

  it('gives plain language when the member chose it', () => {
    const standard = renderMessage({
      kind: 'incident-declared',
      locales: ['en'],
      variant: 'standard',
      params: EXAMPLE_PARAMS['incident-declared'],
      timeZone: 'UTC',
    });
    const plain = renderMessage({ kind: 'incident-declared', locales: ['en'], variant: 'plain', params: EXAMPLE_PARAMS['incident-declared'], timeZone: 'UTC' });
    expect(plain.body).toBe('Emergency near you: Flood on Rua Alegre. Your life may be in danger. Do what officials say now.');
    expect(standard.body).not.toBe(plain.body);
  });

  it('uses a pod override for its kind, locale and variant', () => {
    const overrides = new Map([[overrideKey('welcome', 'en', 'standard'), { subject: 'Hi {name}', body: 'Welcome to Arroios, {name}!' }]]);
    expect(renderMessage({ kind: 'welcome', locales: ['en'], variant: 'standard', params: { name: 'Ana' }, timeZone: 'UTC', overrides }).body).toBe(
      'Welcome to Arroios, Ana!',
    );
  });

  it('refuses a template with a syntax error, naming the field', () => {
    expect(() => compileTemplate('Hello {name', 'en', 'UTC', 'template.body')).toThrow(DomainRuleViolation);
    try {
      compileTemplate('{count, plural, one {x}', 'en', 'UTC', 'template.body');
    } catch (error) {
      expect(error).toMatchObject({ code: 'TEMPLATE_SYNTAX_ERROR', field: 'template.body' });
    }
  });

  it.each(SHIPPED_LOCALES.flatMap((locale) => TEMPLATE_VARIANTS.map((variant) => [locale, variant] as const)))(
    'never names an anonymous requester to their helper in %s (%s)',
    (locale, variant) => {
      const render = (otherAnonymous: boolean) =>
        renderMessage({
          kind: 'match-made',
          locales: [locale],
          variant,
          params: { title: 'Groceries', otherName: 'Ana', otherAnonymous, role: 'helper' },
          timeZone: 'UTC',
        });
      expect(render(false).body).toContain('Ana');
      const anonymous = render(true);
      expect(`${anonymous.subject} ${anonymous.body}`).not.toContain('Ana');
      expect(anonymous.body).toMatch(/a neighbour|uma pessoa vizinha|una persona vecina/);
    },
  );

  it('throws on a missing parameter instead of sending a blank', () => {
    expect(() => renderMessage({ kind: 'welcome', locales: ['en'], variant: 'standard', params: {}, timeZone: 'UTC' })).toThrow(/name/);
  });
});

describe('money and hours in funds and thank-you messages', () => {
  it('writes an amount in the currency the way the member locale writes money, and says when it is over budget', () => {
    const params = { amount: 1234.5, currency: 'EUR', category: 'food', approvalsRequired: 2, overBudget: true };
    const pt = renderMessage({ kind: 'disbursement-proposed', locales: ['pt'], variant: 'standard', params, timeZone: 'UTC' });
    expect(pt.subject).toMatch(/^Um pagamento de €\s1\.234,50 precisa da sua aprovação$/);
    expect(pt.body).toContain('Ultrapassa o orçamento');
    const en = renderMessage({
      kind: 'disbursement-proposed',
      locales: ['en'],
      variant: 'standard',
      params: { ...params, currency: 'USD', overBudget: false },
      timeZone: 'UTC',
    });
    expect(en.subject).toBe('A payment of $1,234.50 needs your approval');
    expect(en.body).toContain('within the budget');
  });

  it('thanks a helper with the hours they gave, in the member language', () => {
    const es = renderMessage({
      kind: 'request-fulfilled',
      locales: ['es'],
      variant: 'standard',
      params: { category: 'groceries', hours: 1.5 },
      timeZone: 'UTC',
    });
    expect(es.body).toBe('Gracias: la solicitud de compras está cumplida. Diste 1,5 horas.');
  });
});
