import { FailureRateLimit } from '../src/projections/projection-failure';
import { isTransientError } from '../src/projections/transient-error';

describe('which projection failures retry and which park', () => {
  const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

  it.each([
    ['a serialization failure', pgError('40001')],
    ['a deadlock', pgError('40P01')],
    ['the server shutting down', pgError('57P01')],
    ['a lost connection', pgError('08006')],
    ['no connection at all', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a pool timeout', new Error('Knex: Timeout acquiring a connection. The pool is probably full.')],
    ['a transient cause wrapped in another error', Object.assign(new Error('apply failed'), { cause: pgError('40001') })],
  ])('retries %s', (_name, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a missing binding', new Error('Undefined binding(s) detected when compiling RAW query')],
    ['a not-null violation', pgError('23502')],
    ['a row-level-security refusal', pgError('42501')],
    ['a bug in the projection', new TypeError("Cannot read properties of undefined (reading 'lat')")],
  ])('parks %s', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});

describe('FailureRateLimit', () => {
  it('lets the first failure of a projection through, then one per interval with the number held back', () => {
    const limit = new FailureRateLimit(30_000);

    expect(limit.admit('board', 0)).toBe(0);
    expect(limit.admit('board', 1_000)).toBeUndefined();
    expect(limit.admit('inbox', 1_000)).toBe(0);
    expect(limit.admit('board', 29_999)).toBeUndefined();
    expect(limit.admit('board', 30_000)).toBe(2);
    expect(limit.admit('board', 30_001)).toBeUndefined();
  });
});
