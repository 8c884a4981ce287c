import type { NotificationKind } from '../notification-kinds';
import { en } from './shipped-templates.en';
import { es } from './shipped-templates.es';
import { pt } from './shipped-templates.pt';

/**
 * The templates shipped with Mutuo, in ICU MessageFormat. `standard` is the usual wording; `plain` uses short
 * sentences and everyday words, for members who chose plain language. Avoid straight apostrophes: ICU treats them
 * as quotes (write "you are", or use ’).
 */
export const SHIPPED_LOCALES = ['en', 'pt', 'es'] as const;
export type ShippedLocale = (typeof SHIPPED_LOCALES)[number];

export const TEMPLATE_VARIANTS = ['standard', 'plain'] as const;
export type TemplateVariant = (typeof TEMPLATE_VARIANTS)[number];

export interface MessageTemplate {
  readonly subject: string;
  readonly body: string;
}

export type TemplateSet = Record<NotificationKind, Record<TemplateVariant, MessageTemplate>>;

export const SHIPPED_TEMPLATES: Record<ShippedLocale, TemplateSet> = { en, pt, es };
