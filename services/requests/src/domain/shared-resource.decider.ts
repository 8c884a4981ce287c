import {
  Command,
  Decider,
  DomainEvent,
  DomainRuleViolation,
  assertNever,
  eventMetadataFrom,
  isValidPoint,
  plainText,
  WEEKDAYS,
  type GeoPoint,
  type Weekday,
} from '@mutuo/domain';
import { isCoordinator, type Actor } from './help-facts';

/**
 * A community fridge, pantry, tool library or free shelf. The pod registers it; anyone holding its public link
 * records "I left…" / "I took…" without an account. Entries carry no identity at all, so none can be stored.
 */

export const SHARED_RESOURCE_KINDS = ['fridge', 'pantry', 'tool-library', 'free-shelf'] as const;
export type SharedResourceKind = (typeof SHARED_RESOURCE_KINDS)[number];

export const SHARED_ITEM_CATEGORIES = [
  'produce',
  'bread',
  'dairy',
  'prepared-meals',
  'canned',
  'dry-goods',
  'drinks',
  'hygiene',
  'baby',
  'tools',
  'other',
] as const;
export type SharedItemCategory = (typeof SHARED_ITEM_CATEGORIES)[number];

/** One weekly opening, HSDS `regular_schedule` style: on `byDay`, from `opensAt` to `closesAt` (local time). */
export interface OpeningHours {
  readonly byDay: Weekday;
  readonly opensAt: string;
  readonly closesAt: string;
}

/** A rough amount: portions, items or bags. More than this in one go is not a person at a fridge. */
export const MAX_ENTRY_AMOUNT = 50;
/** Per resource: at most this many entries in the sliding window, whoever sends them. */
export const RESOURCE_ENTRY_LIMIT = { entries: 30, windowMs: 10 * 60_000 } as const;

interface ResourceRecord {
  readonly resourceId: string;
  readonly podId: string;
  readonly kind: SharedResourceKind;
  readonly name: string;
  readonly location: GeoPoint;
  readonly openingHours: readonly OpeningHours[];
  readonly publicToken: string;
  /** Times of the latest entries, newest last, for the per-resource limit. */
  readonly recentEntries: readonly string[];
}

export type SharedResourceState =
  { readonly status: 'none' } | (ResourceRecord & { readonly status: 'active' }) | (ResourceRecord & { readonly status: 'retired' });

export type RegisterSharedResource = Command<
  'RegisterSharedResource',
  {
    resourceId: string;
    podId: string;
    kind: SharedResourceKind;
    name: string;
    location: GeoPoint;
    openingHours: readonly OpeningHours[];
    publicToken: string;
    actor: Actor;
  }
>;
export type RecordResourceEntry = Command<
  'RecordResourceEntry',
  { publicToken: string; direction: 'left' | 'took'; itemCategory: SharedItemCategory; amount: number }
>;
export type RetireSharedResource = Command<'RetireSharedResource', { actor: Actor }>;
export type SharedResourceCommand = RegisterSharedResource | RecordResourceEntry | RetireSharedResource;

export type SharedResourceRegistered = DomainEvent<'SharedResourceRegistered', Omit<ResourceRecord, 'recentEntries'> & { registeredAt: string }>;
/** Deliberately without any actor, address or device: only what and how much. */
export type ResourceEntryRecorded = DomainEvent<
  'ResourceEntryRecorded',
  { resourceId: string; direction: 'left' | 'took'; itemCategory: SharedItemCategory; amount: number; recordedAt: string }
>;
export type SharedResourceRetired = DomainEvent<'SharedResourceRetired', { resourceId: string; retiredAt: string }>;
export type SharedResourceEvent = SharedResourceRegistered | ResourceEntryRecorded | SharedResourceRetired;

export const SHARED_RESOURCE_EVENT_TYPES: readonly SharedResourceEvent['type'][] = [
  'SharedResourceRegistered',
  'ResourceEntryRecorded',
  'SharedResourceRetired',
];

/** The actor of every anonymous entry: no person, no device. */
export const ANONYMOUS_ACTOR = 'anonymous';
const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const sharedResourceDecider: Decider<SharedResourceState, SharedResourceCommand, SharedResourceEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'RegisterSharedResource': {
        if (state.status !== 'none') throw new DomainRuleViolation('RESOURCE_EXISTS', 'This resource is already registered', 'resourceId');
        const { actor, resourceId, podId, kind, location, openingHours, publicToken } = command.data;
        if (!isCoordinator(actor)) throw new DomainRuleViolation('NOT_ALLOWED', 'Only a coordinator may register a shared resource', 'resourceId');
        const name = plainText(command.data.name, { field: 'name', min: 3, max: 120, code: 'INVALID_NAME' });
        if (!(SHARED_RESOURCE_KINDS as readonly string[]).includes(kind)) {
          throw new DomainRuleViolation('INVALID_KIND', `Kind must be one of ${SHARED_RESOURCE_KINDS.join(', ')}`, 'kind');
        }
        if (!isValidPoint(location)) throw new DomainRuleViolation('INVALID_LOCATION', 'Latitude is -90..90 and longitude -180..180', 'location');
        if (openingHours.length > 28) throw new DomainRuleViolation('INVALID_OPENING_HOURS', 'At most 28 opening times', 'openingHours');
        openingHours.forEach((hours, index) => {
          const at = `openingHours.${index}`;
          if (!(WEEKDAYS as readonly string[]).includes(hours.byDay)) throw new DomainRuleViolation('INVALID_OPENING_HOURS', 'byDay is MO..SU', `${at}.byDay`);
          if (!LOCAL_TIME.test(hours.opensAt)) throw new DomainRuleViolation('INVALID_OPENING_HOURS', 'Times are HH:MM', `${at}.opensAt`);
          if (!LOCAL_TIME.test(hours.closesAt)) throw new DomainRuleViolation('INVALID_OPENING_HOURS', 'Times are HH:MM', `${at}.closesAt`);
          if (hours.closesAt <= hours.opensAt) throw new DomainRuleViolation('INVALID_OPENING_HOURS', 'It must close after it opens', `${at}.closesAt`);
        });
        return [
          {
            type: 'SharedResourceRegistered',
            data: { resourceId, podId, kind, name, location, openingHours: [...openingHours], publicToken, registeredAt: now },
            metadata,
          },
        ];
      }
      case 'RecordResourceEntry': {
        if (state.status === 'none' || command.data.publicToken !== state.publicToken) {
          throw new DomainRuleViolation('RESOURCE_NOT_FOUND', 'This link does not lead to a shared resource', 'token');
        }
        if (state.status === 'retired') throw new DomainRuleViolation('RESOURCE_RETIRED', 'This resource is no longer in use', 'token');
        const { direction, itemCategory, amount } = command.data;
        if (direction !== 'left' && direction !== 'took')
          throw new DomainRuleViolation('INVALID_DIRECTION', 'Say whether you left or took something', 'direction');
        if (!(SHARED_ITEM_CATEGORIES as readonly string[]).includes(itemCategory)) {
          throw new DomainRuleViolation('INVALID_ITEM_CATEGORY', `Item category must be one of ${SHARED_ITEM_CATEGORIES.join(', ')}`, 'itemCategory');
        }
        if (!Number.isInteger(amount) || amount < 1 || amount > MAX_ENTRY_AMOUNT) {
          throw new DomainRuleViolation('INVALID_AMOUNT', `A rough amount is a whole number from 1 to ${MAX_ENTRY_AMOUNT}`, 'amount');
        }
        const since = Date.parse(now) - RESOURCE_ENTRY_LIMIT.windowMs;
        if (state.recentEntries.filter((at) => Date.parse(at) > since).length >= RESOURCE_ENTRY_LIMIT.entries) {
          throw new DomainRuleViolation('RATE_LIMITED', 'Too many updates for this resource just now; try again in a few minutes', 'token');
        }
        return [
          {
            type: 'ResourceEntryRecorded',
            data: { resourceId: state.resourceId, direction, itemCategory, amount, recordedAt: now },
            metadata: { ...metadata, actorId: ANONYMOUS_ACTOR, correlationId: undefined, causationId: undefined },
          },
        ];
      }
      case 'RetireSharedResource': {
        if (state.status === 'none') throw new DomainRuleViolation('RESOURCE_NOT_FOUND', 'There is no such resource', 'resourceId');
        if (!isCoordinator(command.data.actor)) throw new DomainRuleViolation('NOT_ALLOWED', 'Only a coordinator may retire a shared resource', 'resourceId');
        if (state.status === 'retired') throw new DomainRuleViolation('RESOURCE_RETIRED', 'This resource is already retired', 'resourceId');
        return [{ type: 'SharedResourceRetired', data: { resourceId: state.resourceId, retiredAt: now }, metadata }];
      }
      default:
        return assertNever(command, 'shared resource command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SharedResourceRegistered': {
        const { registeredAt: _at, ...record } = event.data;
        return { ...record, status: 'active', recentEntries: [] };
      }
      case 'ResourceEntryRecorded':
        if (state.status === 'none') return state;
        return { ...state, recentEntries: [...state.recentEntries, event.data.recordedAt].slice(-RESOURCE_ENTRY_LIMIT.entries) };
      case 'SharedResourceRetired':
        if (state.status === 'none') return state;
        return { ...state, status: 'retired' };
      default:
        return assertNever(event, 'shared resource event');
    }
  },
};

export interface StockLevel {
  readonly itemCategory: SharedItemCategory;
  readonly amount: number;
}

/** Stock per item category from the entries, never below zero (people take what was never recorded). */
export function stockAfter(stock: readonly StockLevel[], entry: Pick<ResourceEntryRecorded['data'], 'direction' | 'itemCategory' | 'amount'>): StockLevel[] {
  const current = stock.find((level) => level.itemCategory === entry.itemCategory)?.amount ?? 0;
  const next = Math.max(0, current + (entry.direction === 'left' ? entry.amount : -entry.amount));
  const others = stock.filter((level) => level.itemCategory !== entry.itemCategory);
  return [...others, { itemCategory: entry.itemCategory, amount: next }].sort((a, b) => a.itemCategory.localeCompare(b.itemCategory));
}
