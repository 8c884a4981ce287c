import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, foldEvents } from './decider';
import { spec } from './decider-spec';

type Light = { status: 'off' } | { status: 'on'; since: string };
type Switch = Command<'SwitchOn' | 'SwitchOff', Record<string, never>>;
type Switched = DomainEvent<'SwitchedOn' | 'SwitchedOff', Record<string, never>>;

const light: Decider<Light, Switch, Switched> = {
  initialState: () => ({ status: 'off' }),
  decide(command, state) {
    const metadata = { occurredAt: command.metadata.now, actorId: command.metadata.actorId };
    switch (command.type) {
      case 'SwitchOn':
        if (state.status === 'on') throw new DomainRuleViolation('ALREADY_ON', 'The light is already on');
        return [{ type: 'SwitchedOn', data: {}, metadata }];
      case 'SwitchOff':
        return state.status === 'on' ? [{ type: 'SwitchedOff', data: {}, metadata }] : [];
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    return event.type === 'SwitchedOn' ? { status: 'on', since: event.metadata.occurredAt } : { status: 'off' };
  },
};

const at = { now: '2026-11-25T08:00:00.000Z', actorId: 'person-1' };
const on: Switched = { type: 'SwitchedOn', data: {}, metadata: { occurredAt: at.now, actorId: 'person-1' } };

describe('decider spec helper', () => {
  it('passes when the decided events equal the expected ones', () => {
    expect(spec(light).given([]).when({ type: 'SwitchOn', data: {}, metadata: at }).then([on])).toEqual([on]);
  });

  it('fails with both event lists when they differ', () => {
    expect(() => spec(light).given([on]).when({ type: 'SwitchOff', data: {}, metadata: at }).then([])).toThrow(/Expected: \[\]\nActual:/);
  });

  it('checks the error type and message of a refused command', () => {
    spec(light)
      .given([on])
      .when({ type: 'SwitchOn', data: {}, metadata: at })
      .thenThrows(DomainRuleViolation, /already on/);
    expect(() => spec(light).given([]).when({ type: 'SwitchOn', data: {}, metadata: at }).thenThrows(DomainRuleViolation)).toThrow(
      /Expected DomainRuleViolation to be thrown, got nothing/,
    );
  });

  it('exposes the state after the history', () => {
    expect(spec(light).given([on]).state()).toEqual({ status: 'on', since: at.now });
    expect(foldEvents(light, [])).toEqual({ status: 'off' });
  });
});
