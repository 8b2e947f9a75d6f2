// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The engine must stay platform-neutral: only adapters/ may import platform SDKs.
const sdkMessage = 'Platform SDKs belong in adapters/.';
const platformSdks = {
  paths: [{ name: 'discord.js', message: sdkMessage }],
  patterns: [{ group: ['discord.js/*', '@slack/*', '@discordjs/*'], message: sdkMessage }],
};
// no-restricted-imports does not see `await import(…)`, which is how the root loads SDK-backed adapters.
const dynamicSdk = { selector: 'ImportExpression[source.value=/^(discord\\.js|@slack\\/|@discordjs\\/)/]', message: sdkMessage };
const noIngest = 'src/ must not import ingest/: take the function as a dependency (src/ingest-ports.ts), wired in src/app.ts.';
const noAdapters = { group: ['**/adapters/**'], message: 'The engine must not depend on an adapter.' };

export default tseslint.config(
  { ignores: ['node_modules/', '.paperboy/', 'coverage/', 'scratch/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['ingest/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: platformSdks.paths, patterns: [...platformSdks.patterns, noAdapters] }],
      'no-restricted-syntax': ['error', dynamicSdk],
    },
  },
  {
    files: ['src/**/*.ts'],
    // The composition root is the one place that wires adapters and ingest/ to the engine.
    // ingest/ sits on src/store and src/text; the rest of src/ gets ingest's functions from the
    // root (src/ingest-ports.ts), so the two never import each other in a cycle.
    ignores: ['src/app.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: platformSdks.paths,
          patterns: [
            ...platformSdks.patterns,
            noAdapters,
            { group: ['**/ingest/**'], message: noIngest },
          ],
        },
      ],
      'no-restricted-syntax': ['error', dynamicSdk, { selector: 'ImportExpression[source.value=/(^|\\/)ingest\\//]', message: noIngest }],
    },
  },
  {
    files: ['src/app.ts'],
    // The root may import adapters and ingest/, but platform SDKs only load inside the adapters.
    rules: { 'no-restricted-imports': ['error', platformSdks], 'no-restricted-syntax': ['error', dynamicSdk] },
  },
);
