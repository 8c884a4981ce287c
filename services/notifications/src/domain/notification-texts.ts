import type { NotificationKind } from './notification.decider';

/**
 * In-app texts per kind and language. The notifications issue replaces these with ICU MessageFormat
 * templates; the rule stays: every kind has a text in every supported language, checked by a test.
 */
export const SUPPORTED_LOCALES = ['en', 'pt', 'es'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

type Texts = Record<NotificationKind, (params: Record<string, string>) => string>;

export const NOTIFICATION_TEXTS: Record<SupportedLocale, Texts> = {
  en: {
    welcome: ({ name }) => `Welcome to the pod, ${name}. Ask for help when you need it, offer it when you can.`,
    'request-posted': ({ title }) => `Your request "${title}" is posted. People in your pod can see it now.`,
  },
  pt: {
    welcome: ({ name }) => `Bem-vindo/a ao pod, ${name}. Peça ajuda quando precisar, ofereça quando puder.`,
    'request-posted': ({ title }) => `O seu pedido "${title}" foi publicado. As pessoas do seu pod já o podem ver.`,
  },
  es: {
    welcome: ({ name }) => `Te damos la bienvenida al pod, ${name}. Pide ayuda cuando la necesites, ofrécela cuando puedas.`,
    'request-posted': ({ title }) => `Tu solicitud "${title}" está publicada. La gente de tu pod ya puede verla.`,
  },
};

/** The first supported language among the given BCP 47 tags (`pt-BR` counts as `pt`), else English. */
export function chooseLocale(...preferences: (string | undefined)[]): SupportedLocale {
  for (const tag of preferences) {
    const language = tag?.split('-')[0]?.toLowerCase();
    const match = SUPPORTED_LOCALES.find((locale) => locale === language);
    if (match) return match;
  }
  return 'en';
}

export function renderNotificationText(kind: NotificationKind, locale: SupportedLocale, params: Record<string, string>): string {
  return NOTIFICATION_TEXTS[locale][kind](params);
}
