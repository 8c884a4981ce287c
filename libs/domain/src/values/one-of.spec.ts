import { DomainRuleViolation } from '../decider';
import { oneOf } from './one-of';

describe('oneOf', () => {
  it('returns a listed value and refuses any other with INVALID_VALUE naming the field', () => {
    expect(oneOf(['cash', 'other'], 'cash', 'method')).toBe('cash');
    expect(() => oneOf(['cash', 'other'], 'crypto', 'method')).toThrow(
      expect.objectContaining({ constructor: DomainRuleViolation, code: 'INVALID_VALUE', field: 'method', message: 'method must be one of cash, other' }),
    );
  });
});
