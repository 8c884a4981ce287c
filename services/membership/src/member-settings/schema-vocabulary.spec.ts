import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildASTSchema, GraphQLEnumType, parse } from 'graphql';
import { REQUEST_CATEGORIES } from '@mutuo/contracts';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { CONTACT_CHANNEL_KINDS } from '../domain/profile-values';

/** The SDL's enums must list exactly the domain's values: composition needs RequestCategory identical in every subgraph. */
describe('membership schema vocabulary', () => {
  const sdl = readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8').replace(/extend schema[^\n]*\n[^\n]*\n/, '');
  const schema = buildASTSchema(parse(`directive @key(fields: String!, resolvable: Boolean) repeatable on OBJECT\n${sdl}`), {
    assumeValidSDL: true,
  });
  const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name);

  it('offers skills from the shared request categories', () => {
    expect(values('RequestCategory')).toEqual(REQUEST_CATEGORIES.map(toGraphQLEnum));
  });

  it('names every kind of contact channel', () => {
    expect(values('ContactChannelKind')).toEqual(CONTACT_CHANNEL_KINDS.map(toGraphQLEnum));
  });
});
