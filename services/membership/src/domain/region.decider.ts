import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';

export type RegionState = { status: 'none' } | { status: 'active'; regionId: string; name: string; slug: string };

export type CreateRegion = Command<'CreateRegion', { regionId: string; name: string; slug: string }>;
export type RegionCommand = CreateRegion;

export type RegionCreated = DomainEvent<'RegionCreated', { regionId: string; name: string; slug: string }>;
export type RegionEvent = RegionCreated;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const regionDecider: Decider<RegionState, RegionCommand, RegionEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'CreateRegion': {
        if (state.status !== 'none') throw new DomainRuleViolation('REGION_EXISTS', 'This region already exists', 'regionId');
        const name = plainText(command.data.name, { field: 'name', min: 2, max: 120, code: 'INVALID_NAME' });
        if (!SLUG.test(command.data.slug) || command.data.slug.length > 40) {
          throw new DomainRuleViolation('INVALID_SLUG', 'A region slug is lowercase letters, digits and single hyphens (at most 40)', 'slug');
        }
        return [
          {
            type: 'RegionCreated',
            data: { regionId: command.data.regionId, name, slug: command.data.slug },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'region command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RegionCreated':
        return { status: 'active', ...event.data };
      default:
        return assertNever(event.type, 'region event');
    }
  },
};
