/**
 * GraphQL enum values are SCREAMING_SNAKE_CASE; domain values are kebab-case. These convert between
 * the two for a known list, so an unknown value is a clear error rather than a silent null.
 */
export function toGraphQLEnum(value: string): string {
  return value.replace(/-/g, '_').toUpperCase();
}

export function fromGraphQLEnum<const Values extends readonly string[]>(values: Values, value: string): Values[number] {
  const domain = value.toLowerCase().replace(/_/g, '-');
  const match = values.find((candidate) => candidate === domain);
  if (!match) throw new Error(`Unknown enum value ${value}`);
  return match;
}
