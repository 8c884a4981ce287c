import { join } from 'node:path';
import { errorCatalogue } from '../scripts/api-reference.errors';

jest.setTimeout(60_000);

describe('the error catalogue reads every code a client can receive from the code', () => {
  const catalogue = errorCatalogue(join(__dirname, 'fixtures', 'api-errors'));
  const byCode = Object.fromEntries(catalogue.codes.map((entry) => [entry.code, entry]));

  it('finds literal codes, constants, string-literal unions, forwarding helpers, GraphQL extensions and schema refinements', () => {
    expect(Object.keys(byCode).sort()).toEqual([
      'AMOUNT_NOT_POSITIVE',
      'AMOUNT_TOO_LARGE',
      'CODE_EXPIRED',
      'CODE_INVALID',
      'DEMO_NOT_FOUND',
      'FORBIDDEN',
      'INVALID_TEXT',
    ]);
  });

  it('gives each code its messages, run-time parts as …, and a lookup table entry for the code it is keyed by', () => {
    expect(byCode.AMOUNT_TOO_LARGE!.messages).toEqual(['At most … per transfer']);
    expect(byCode.CODE_EXPIRED!.messages).toEqual(['The code expired']);
    expect(byCode.CODE_INVALID!.messages).toEqual(['The code is not right']);
    expect(byCode.INVALID_TEXT!.messages).toEqual(['Say it in plain text']);
  });

  it('names the service or the shared library that raises a code', () => {
    expect(byCode.DEMO_NOT_FOUND!.places).toEqual(['demo']);
    expect(byCode.FORBIDDEN!.places).toEqual(['every service (rules)']);
  });

  it('lists a code built at run time by its place, and ignores tests and template parameters named code', () => {
    expect(catalogue.unresolved).toEqual(['services/demo/src/demo.ts:17']);
    expect(byCode.ONLY_IN_A_TEST).toBeUndefined();
  });
});
