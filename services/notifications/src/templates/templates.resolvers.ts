import { DomainRuleViolation, plainText } from '@mutuo/domain';
import { requirePod, requireRole, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum } from '@mutuo/service-kit';
import { NOTIFICATION_KINDS, type NotificationKind } from '../domain/notification-kinds';
import { compileTemplate, isShippedLocale, overrideKey, renderMessage } from '../domain/templates/render-message';
import { SHIPPED_LOCALES, TEMPLATE_VARIANTS } from '../domain/templates/shipped-templates';
import { TEMPLATE_EXAMPLES } from '../domain/templates/template-examples';
import { COORDINATOR_ROLES } from '../shared/graphql-input';
import type { Resolvers } from '../graphql/schema.types';

export function templatesResolvers() {
  return {
    Query: {
      previewNotificationTemplate: (
        _: unknown,
        args: { input: { kind: string; locale: string; variant: string; subject: string; body: string } },
        ctx: SubgraphContext,
      ) => {
        requirePod(ctx);
        requireRole(ctx, ...COORDINATOR_ROLES);
        const { input } = args;
        if (!isShippedLocale(input.locale)) {
          throw new DomainRuleViolation('UNKNOWN_LOCALE', `No templates in "${input.locale}"; choose one of ${SHIPPED_LOCALES.join(', ')}`, 'input.locale');
        }
        const kind: NotificationKind = fromGraphQLEnum(NOTIFICATION_KINDS, input.kind);
        const variant = fromGraphQLEnum(TEMPLATE_VARIANTS, input.variant);
        const subject = plainText(input.subject, { field: 'input.subject', max: 200 });
        const body = plainText(input.body, { field: 'input.body', max: 4000, multiline: true });
        compileTemplate(subject, input.locale, 'UTC', 'input.subject');
        compileTemplate(body, input.locale, 'UTC', 'input.body');
        const overrides = new Map([[overrideKey(kind, input.locale, variant), { subject, body }]]);
        try {
          return renderMessage({ kind, locales: [input.locale], variant, params: TEMPLATE_EXAMPLES[kind], timeZone: 'UTC', overrides });
        } catch (error) {
          if (error instanceof DomainRuleViolation)
            throw new DomainRuleViolation(error.code, error.message, error.field?.endsWith('.subject') ? 'input.subject' : 'input.body');
          throw new DomainRuleViolation(
            'TEMPLATE_PARAMETER_UNKNOWN',
            `The template uses a value this kind does not have: ${(error as Error).message}`,
            'input.body',
          );
        }
      },
    },
  } satisfies Resolvers;
}
