import { z } from 'zod';
import { describeEnvironment } from './environment-reference';
import { integerBetween, nodeEnvironment } from './service-config';

const schema = z
  .object({
    NODE_ENV: nodeEnvironment(),
    PORT: integerBetween(0, 65535).default(4000),
    WEIGHT: z.coerce.number().min(0.5).max(10).default(2),
    ENABLED: z.enum(['true', 'false']).default('true'),
    CALLBACK_URL: z.url().optional(),
    API_KEY: z.string().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.API_KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['API_KEY'], message: 'is required in production', input: undefined });
    }
  });

const notes = {
  NODE_ENV: { description: 'Environment.' },
  PORT: { description: 'Port.' },
  WEIGHT: { description: 'Weight.' },
  ENABLED: { description: 'Switch.' },
  CALLBACK_URL: { description: 'Callback.', production: 'https only' },
  API_KEY: { description: 'Key.', defaultText: 'development key' },
};

describe('describeEnvironment', () => {
  it('reads defaults, formats and production rules off the schema, beside the notes', () => {
    expect(describeEnvironment({ schema, notes, variables: { 'EXTRA_<NAME>': { description: 'Pattern.', format: 'URL' } } })).toEqual([
      { name: 'NODE_ENV', defaultValue: 'development', format: 'one of `development`, `test`, `production`', production: '', description: 'Environment.' },
      { name: 'PORT', defaultValue: '4000', format: 'integer 0–65535', production: '', description: 'Port.' },
      { name: 'WEIGHT', defaultValue: '2', format: 'number 0.5–10', production: '', description: 'Weight.' },
      { name: 'ENABLED', defaultValue: 'true', format: '`true` or `false`', production: '', description: 'Switch.' },
      { name: 'CALLBACK_URL', defaultValue: undefined, format: 'URL', production: 'https only', description: 'Callback.' },
      { name: 'API_KEY', defaultValue: 'development key', format: 'text', production: 'required', description: 'Key.' },
      { name: 'EXTRA_<NAME>', defaultValue: undefined, format: 'URL', production: '', description: 'Pattern.' },
    ]);
  });

  it('refuses a variable without a note, and a note without a variable, by name', () => {
    const { WEIGHT: _weight, ...withoutWeight } = notes;
    expect(() => describeEnvironment({ schema, notes: withoutWeight })).toThrow("no note describes WEIGHT: add one to the section's notes");
    expect(() => describeEnvironment({ schema, notes: { ...notes, RETIRED: { description: 'Gone.' } } })).toThrow(
      /notes describe RETIRED, which the schema does not read/,
    );
  });

  it('leaves out the variables documented elsewhere', () => {
    expect(
      describeEnvironment({ schema, notes: { PORT: notes.PORT } }, new Set(['NODE_ENV', 'WEIGHT', 'ENABLED', 'CALLBACK_URL', 'API_KEY'])).map(
        (row) => row.name,
      ),
    ).toEqual(['PORT']);
  });
});
