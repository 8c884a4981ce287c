import type { EnvironmentSection } from '@mutuo/platform';
import { gatewayEnvSchema } from './config/gateway-config';
import { gatewayConfigNotes, gatewayExtraVariables } from './config/gateway-config.notes';

/** docs/configuration.md: every variable the gateway reads. */
export const gatewayEnvironmentSections: readonly EnvironmentSection[] = [
  { schema: gatewayEnvSchema, notes: gatewayConfigNotes, variables: gatewayExtraVariables },
];
