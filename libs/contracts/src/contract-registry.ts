import { AnyIntegrationEventContract, ContractIssue, parseContractType } from './contract';

/** Why an incoming type could not be mapped to a contract, or its data did not match. */
export type ContractRejection = 'malformed-type' | 'unknown-type' | 'unknown-version' | 'invalid-data';

export type ContractResolution =
  | { readonly ok: true; readonly contract: AnyIntegrationEventContract }
  | {
      readonly ok: false;
      readonly reason: Exclude<ContractRejection, 'invalid-data'>;
      readonly message: string;
      /** For `unknown-version`: the versions of this event that are known. */
      readonly knownVersions: readonly number[];
    };

export type RegistryParseResult =
  | { readonly ok: true; readonly contract: AnyIntegrationEventContract; readonly data: unknown }
  | {
      readonly ok: false;
      readonly reason: ContractRejection;
      readonly message: string;
      readonly issues: readonly ContractIssue[];
      readonly contract?: AnyIntegrationEventContract;
    };

/**
 * The contracts a process knows, by type. It tells an unknown event (another service's, or a typo)
 * apart from a known event in a version this process was not built for, and both from bad data.
 */
export class ContractRegistry {
  private readonly byType = new Map<string, AnyIntegrationEventContract>();

  constructor(contracts: Iterable<AnyIntegrationEventContract> = []) {
    for (const contract of contracts) this.register(contract);
  }

  /** Adds a contract; registering the same contract again is a no-op, a different one with the same type an error. */
  register(contract: AnyIntegrationEventContract): this {
    const existing = this.byType.get(contract.type);
    if (existing && existing !== contract) throw new Error(`Another contract is already registered as ${contract.type}`);
    this.byType.set(contract.type, contract);
    return this;
  }

  find(type: string): AnyIntegrationEventContract | undefined {
    return this.byType.get(type);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  /** Every registered contract, sorted by type. */
  list(): AnyIntegrationEventContract[] {
    return [...this.byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  resolve(type: string): ContractResolution {
    const contract = this.byType.get(type);
    if (contract) return { ok: true, contract };
    const parts = parseContractType(type);
    if (!parts) {
      return {
        ok: false,
        reason: 'malformed-type',
        message: `Event type "${truncate(type)}" is not of the form <service>.<name>.v<version>`,
        knownVersions: [],
      };
    }
    const knownVersions = [...this.byType.values()]
      .filter((candidate) => candidate.service === parts.service && candidate.name === parts.name)
      .map((candidate) => candidate.version)
      .sort((a, b) => a - b);
    if (knownVersions.length > 0) {
      return {
        ok: false,
        reason: 'unknown-version',
        message: `Event ${parts.service}.${parts.name} has no version ${parts.version} here (known: ${knownVersions.map((v) => `v${v}`).join(', ')})`,
        knownVersions,
      };
    }
    return { ok: false, reason: 'unknown-type', message: `Unknown event type ${type}`, knownVersions: [] };
  }

  /** Resolves the contract for `type` and validates `data` against it. */
  parse(type: string, data: unknown): RegistryParseResult {
    const resolution = this.resolve(type);
    if (!resolution.ok) return { ok: false, reason: resolution.reason, message: resolution.message, issues: [] };
    const parsed = resolution.contract.parse(data);
    if (!parsed.ok) {
      return {
        ok: false,
        reason: 'invalid-data',
        message: parsed.error.message,
        issues: parsed.error.issues,
        contract: resolution.contract,
      };
    }
    return { ok: true, contract: resolution.contract, data: parsed.data };
  }
}

function truncate(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
