import type { AnyIntegrationEventContract } from './contract';
import { ContractRegistry } from './contract-registry';
import { FUNDS_CONTRACTS } from './funds.contracts';
import { MATCHING_CONTRACTS } from './matching.contracts';
import { MEMBERSHIP_CONTRACTS } from './membership.contracts';
import { NOTIFICATIONS_CONTRACTS } from './notifications.contracts';
import { REQUESTS_CONTRACTS } from './requests.contracts';

/** Every integration event contract of the platform. */
export const ALL_CONTRACTS: readonly AnyIntegrationEventContract[] = [
  ...MEMBERSHIP_CONTRACTS,
  ...REQUESTS_CONTRACTS,
  ...MATCHING_CONTRACTS,
  ...NOTIFICATIONS_CONTRACTS,
  ...FUNDS_CONTRACTS,
];

export const contractRegistry = new ContractRegistry(ALL_CONTRACTS);

export function findContract(type: string): AnyIntegrationEventContract | undefined {
  return contractRegistry.find(type);
}
