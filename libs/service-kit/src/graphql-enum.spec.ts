import { fromGraphQLEnum, toGraphQLEnum } from './graphql-enum';

const CATEGORIES = ['food', 'emotional-support'] as const;

describe('GraphQL enum values', () => {
  it('turn kebab-case domain values into SCREAMING_SNAKE_CASE and back', () => {
    expect(toGraphQLEnum('emotional-support')).toBe('EMOTIONAL_SUPPORT');
    expect(fromGraphQLEnum(CATEGORIES, 'EMOTIONAL_SUPPORT')).toBe('emotional-support');
  });

  it('refuse a value that is not in the list instead of passing it through', () => {
    expect(() => fromGraphQLEnum(CATEGORIES, 'PETS')).toThrow('Unknown enum value PETS');
  });
});
