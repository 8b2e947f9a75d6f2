// `npm install` builds dist/ (the prepare script). An install without dev dependencies
// (`npm ci --omit=dev`) has no TypeScript compiler: say so and how to deploy, instead of failing the
// whole install on a missing `tsc`.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  process.stderr.write('paperboy: TypeScript is not installed (dev dependencies omitted), so dist/ was not built. ' +
    'To deploy without dev dependencies, build first and then drop them: `npm ci && npm prune --omit=dev`.\n');
  process.exit(0);
}
execSync('npm run build', { stdio: 'inherit' });
