import { NOTIFICATION_KINDS } from './notification.decider';
import { NOTIFICATION_TEXTS, SUPPORTED_LOCALES, chooseLocale, renderNotificationText } from './notification-texts';

describe('notification texts', () => {
  it.each(SUPPORTED_LOCALES.flatMap((locale) => NOTIFICATION_KINDS.map((kind) => [locale, kind] as const)))(
    'has a %s text for %s that uses its parameters',
    (locale, kind) => {
      const text = NOTIFICATION_TEXTS[locale][kind]({ name: 'Ana', title: 'Groceries' });
      expect(text.length).toBeGreaterThan(10);
      expect(text).toMatch(kind === 'welcome' ? /Ana/ : /Groceries/);
    },
  );

  it('picks the first supported language, treating regional variants as their language', () => {
    expect(chooseLocale('pt-BR', 'en')).toBe('pt');
    expect(chooseLocale('de', 'es')).toBe('es');
    expect(chooseLocale(undefined, 'tlh')).toBe('en');
  });

  it('renders in the chosen language', () => {
    expect(renderNotificationText('request-posted', 'pt', { title: 'Compras' })).toContain('"Compras"');
  });
});
