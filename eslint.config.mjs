import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import { noSidewaysImports } from './infra/eslint/no-sideways-imports.mjs';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.state/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    // Type-aware rules: each file is checked with the nearest tsconfig.json of its project (src, test and e2e).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // SQL goes through query() in libs/event-store/src/sql.ts, the one place that knows the driver under
      // MikroORM (knex in v6, gone in v7): docs/adr/0005-mikro-orm-role.md.
      'no-restricted-properties': [
        'error',
        { property: 'getKnex', message: 'Run SQL through query() from @mutuo/event-store (docs/adr/0005-mikro-orm-role.md).' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Domain code is pure: it may import only other pure domain code.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:domain'] },
            // A service or the gateway imports only libs, never another service.
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:domain'] },
            { sourceTag: 'type:gateway', onlyDependOnLibsWithTags: ['type:lib', 'type:domain'] },
            // Scripts and benchmarks use libs; they never import a service's code.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:domain'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:domain'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/event-store/src/sql.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Files stay small: past 300 lines of code a source file is split along its seams.
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test/**', '**/e2e/**'],
    rules: { 'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Domain folders inside services stay free of framework and infrastructure imports.
    files: ['services/*/src/domain/**/*.ts', 'libs/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', '@mikro-orm/*', '@nats-io/*', 'pg', '@mutuo/event-store', '@mutuo/messaging', '@mutuo/platform'] },
      ],
    },
  },
  {
    // Use-case folders inside a service do not import each other (infra/eslint/no-sideways-imports.mjs).
    files: ['services/*/src/**/*.ts'],
    plugins: { mutuo: { rules: { 'no-sideways-imports': noSidewaysImports } } },
    rules: { 'mutuo/no-sideways-imports': 'error' },
  },
);
