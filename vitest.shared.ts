import { fileURLToPath } from 'node:url';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests run against the workspace packages' sources, so no build is needed between edits. */
export const workspaceAliases = [
  { find: /^@closekit\/core\/testing$/, replacement: source('./packages/core/src/testing/index.ts') },
  { find: /^@closekit\/core\/adapter$/, replacement: source('./packages/core/src/adapter/index.ts') },
  { find: /^@closekit\/core$/, replacement: source('./packages/core/src/index.ts') },
  { find: /^@closekit\/solaris$/, replacement: source('./packages/solaris/src/index.ts') },
  {
    find: /^@closekit\/embedded-payments$/,
    replacement: source('./packages/embedded-payments/src/index.ts'),
  },
  { find: /^@closekit\/udara360$/, replacement: source('./packages/udara360/src/index.ts') },
  { find: /^@closekit\/simulator$/, replacement: source('./packages/simulator/src/index.ts') },
];
