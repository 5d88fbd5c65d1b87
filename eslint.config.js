// Type-checked typescript-eslint over every TypeScript file; zero warnings in CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'console/dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Thin edges: routes and socket handlers call use cases in lib/, never the database.
    files: ['api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'knex', message: 'api/ calls a use case in lib/; only db/ touches knex.' },
            {
              name: 'objection',
              message: 'api/ calls a use case in lib/; only db/ touches objection.',
            },
            { name: 'pg', message: 'api/ calls a use case in lib/; only db/ talks to PostgreSQL.' },
          ],
          patterns: [
            {
              group: ['**/db/repositories/*', '**/db/models/*', '**/db/database*'],
              message: 'api/ calls a use case in lib/ (types via lib/deps), never db/ itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // The database handle itself (deps.db, ….knex) is no more the edges' than its imports.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='db'], MemberExpression[property.name='knex']",
          message: 'api/ calls a use case in lib/ with deps; it never reads deps.db or knex.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests read JSON responses; typing every body would add noise, not safety.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      'no-console': 'off',
    },
  },
  {
    // db/ is below lib/: it may name lib's types, never import its values (rules travel to
    // queries as parameters).
    files: ['db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib/**', '**/lib'],
              allowTypeImports: true,
              message: 'db/ imports only types from lib/; pass rules in as parameters.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
