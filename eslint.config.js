// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.paperboy/', 'coverage/', 'scratch/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The engine must stay platform-neutral: only adapters/ may import platform SDKs.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'ingest/**/*.ts'],
    // The composition root is the one place that wires adapters to the engine.
    ignores: ['src/app.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'discord.js', message: 'Platform SDKs belong in adapters/.' }],
          patterns: [
            { group: ['@slack/*', '@discordjs/*'], message: 'Platform SDKs belong in adapters/.' },
            { group: ['**/adapters/**'], message: 'The engine must not depend on an adapter.' },
          ],
        },
      ],
    },
  },
);
