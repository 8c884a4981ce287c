import type { IntlMessageFormat as IntlMessageFormatClass } from 'intl-messageformat' with { 'resolution-mode': 'import' };
import { DomainRuleViolation } from '@mutuo/domain';
import type { NotificationKind } from '../notification-kinds';
import { SHIPPED_LOCALES, SHIPPED_TEMPLATES, type MessageTemplate, type ShippedLocale, type TemplateVariant } from './shipped-templates';

// intl-messageformat ships only as an ES module; Node (>= 20.19) loads it through require, the services' module system.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { IntlMessageFormat } = require('intl-messageformat') as { IntlMessageFormat: typeof IntlMessageFormatClass };
type IntlMessageFormat = IntlMessageFormatClass;

export type TemplateValue = string | number | boolean | Date;
export type TemplateParams = Readonly<Record<string, TemplateValue>>;

export interface RenderedMessage {
  readonly locale: ShippedLocale;
  readonly variant: TemplateVariant;
  readonly subject: string;
  readonly body: string;
}

/** A pod's own wording for some kinds, replacing the shipped template in that locale and variant. */
export type TemplateOverrides = ReadonlyMap<string, MessageTemplate>;

export function overrideKey(kind: NotificationKind, locale: ShippedLocale, variant: TemplateVariant): string {
  return `${kind}|${locale}|${variant}`;
}

export function isShippedLocale(value: string): value is ShippedLocale {
  return (SHIPPED_LOCALES as readonly string[]).includes(value);
}

/**
 * The first shipped locale among the given BCP 47 tags, in order (the member's language, then the pod's), treating
 * regional variants as their language (`pt-BR` is `pt`); English when none is shipped.
 */
export function chooseLocale(...preferences: (string | null | undefined)[]): ShippedLocale {
  for (const tag of preferences) {
    const language = tag?.split('-')[0]?.toLowerCase();
    if (language && isShippedLocale(language)) return language;
  }
  return 'en';
}

/**
 * Dates and times in the recipient's time zone, so "until 10:15" means their 10:15. `{x, number, money}` is an amount
 * in the message's `currency` parameter (ISO 4217, or HOUR for time credits), written the way the locale writes money.
 */
function formatsFor(timeZone: string, currency: string) {
  const money = currency === 'HOUR' ? ({ style: 'unit', unit: 'hour', unitDisplay: 'long' } as const) : ({ style: 'currency', currency } as const);
  return {
    date: { long: { year: 'numeric', month: 'long', day: 'numeric', timeZone } },
    time: { short: { hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' } },
    number: { money },
  } as const;
}

/** The currency a message's amounts are in; messages without money use a harmless default. */
function currencyOf(params: TemplateParams | undefined): string {
  const currency = params?.currency;
  return typeof currency === 'string' && /^(HOUR|[A-Z]{3})$/.test(currency) ? currency : 'XXX';
}

const compiled = new Map<string, IntlMessageFormat>();

/**
 * Parses an ICU message. A syntax error throws DomainRuleViolation TEMPLATE_SYNTAX_ERROR naming `field`, so a pod's
 * broken template is refused when it is saved, not when a message is due.
 */
export function compileTemplate(text: string, locale: ShippedLocale, timeZone: string, field: string, currency = 'XXX'): IntlMessageFormat {
  const key = `${locale}|${timeZone}|${currency}|${text}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  let format: IntlMessageFormat;
  try {
    format = new IntlMessageFormat(text, locale, formatsFor(timeZone, currency));
  } catch (error) {
    throw new DomainRuleViolation('TEMPLATE_SYNTAX_ERROR', `The template is not valid ICU MessageFormat: ${(error as Error).message}`, field);
  }
  if (compiled.size > 2_000) compiled.clear();
  compiled.set(key, format);
  return format;
}

function format(text: string, locale: ShippedLocale, timeZone: string, params: TemplateParams, field: string): string {
  const result = compileTemplate(text, locale, timeZone, field, currencyOf(params)).format(params as Record<string, string | number | boolean | Date>);
  if (typeof result !== 'string') throw new Error(`Template ${field} rendered rich content; templates render plain text`);
  return result;
}

export interface RenderRequest {
  readonly kind: NotificationKind;
  /** Most preferred first: the member's language, then the pod's. English is always the last resort. */
  readonly locales: readonly (string | null | undefined)[];
  readonly variant: TemplateVariant;
  readonly params: TemplateParams;
  readonly timeZone: string;
  readonly overrides?: TemplateOverrides;
}

/** Renders a kind's subject and body in the best shipped locale; a missing parameter throws, never a blank message. */
export function renderMessage(request: RenderRequest): RenderedMessage {
  const locale = chooseLocale(...request.locales);
  const template = request.overrides?.get(overrideKey(request.kind, locale, request.variant)) ?? SHIPPED_TEMPLATES[locale][request.kind][request.variant];
  const field = `${request.kind}.${locale}.${request.variant}`;
  return {
    locale,
    variant: request.variant,
    subject: format(template.subject, locale, request.timeZone, request.params, `${field}.subject`),
    body: format(template.body, locale, request.timeZone, request.params, `${field}.body`),
  };
}

/** ICU select keys cannot hold hyphens: vocabulary words such as `emotional-support` are passed as `emotional_support`. */
export function asSelectKey(word: string): string {
  return word.replace(/-/g, '_');
}
