import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'tsup';

/** tsup runs in the package's directory: its package.json gives the version the build stamps in. */
const { version } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
  version: string;
};

/** The build every published package shares: ESM + CJS + type declarations for Node 20. */
export const packageBuild: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Each package's `VERSION` (see its src/index.ts).
  define: { __CLOSEKIT_VERSION__: JSON.stringify(version) },
};
