#!/usr/bin/env node
// The packed-tarball test: what users install, not what the workspace links.
// Packs every published package with `pnpm pack`, checks what each tarball ships, installs the
// tarballs into a scratch project in a temporary directory (third-party dependencies come from
// the npm registry), then runs an ESM script, a CommonJS script, a strict TypeScript compile and
// the `closekit` binary against the simulators. Needs `pnpm build` first (`pnpm test` does it).
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
/** Every package under packages/ that is published (not private). */
const PACKAGES = readdirSync(join(root, 'packages')).filter((dir) => {
  const file = join(root, 'packages', dir, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).private !== true;
});
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const keep = process.argv.includes('--keep');

const problems = [];
const check = (condition, problem) => {
  if (!condition) problems.push(problem);
};
const run = (command, args, cwd, options = {}) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
const step = (title) => process.stdout.write(`packed: ${title}\n`);

const scratch = mkdtempSync(join(tmpdir(), 'closekit-packed-'));
try {
  // 1. Pack, and check what each tarball really ships.
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const manifests = {};
  for (const dir of PACKAGES) {
    const packageDir = join(root, 'packages', dir);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    manifests[manifest.name] = manifest;
    const before = new Set(readdirSync(tarballs));
    run('pnpm', ['pack', '--pack-destination', tarballs], packageDir);
    const file = readdirSync(tarballs).find((name) => !before.has(name));
    manifest.tarball = join(tarballs, file);
    const files = run('tar', ['-tzf', manifest.tarball], scratch).trim().split('\n');
    for (const needed of [
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
    ])
      check(files.includes(`package/${needed}`), `${manifest.name}: the tarball lacks ${needed}`);
    check(
      !files.some((name) => /\/src\/|\.test\.|__fixtures__/.test(name)),
      `${manifest.name}: the tarball ships sources or tests`,
    );
    const packed = JSON.parse(run('tar', ['-xzOf', manifest.tarball, 'package/package.json'], scratch));
    check(
      !JSON.stringify(packed).includes('workspace:'),
      `${manifest.name}: a workspace: range was published`,
    );
    for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'license'])
      check(packed[field] !== undefined, `${manifest.name}: package.json has no ${field}`);
    const readme = run('tar', ['-xzOf', manifest.tarball, 'package/README.md'], scratch);
    check(
      !/\]\((?!https:\/\/)[^)]*\.md/.test(readme),
      `${manifest.name}: README links a doc by a relative path`,
    );
  }
  step(`packed ${PACKAGES.length} tarballs`);

  // 2. A scratch project that depends on the tarballs only (overrides keep npm off the registry for @closekit/*).
  const app = join(scratch, 'app');
  mkdirSync(app);
  const dependencies = Object.fromEntries(
    Object.entries(manifests).map(([name, manifest]) => [name, `file:${manifest.tarball}`]),
  );
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'closekit-packed-check',
        private: true,
        dependencies,
        devDependencies: {
          typescript: rootPackage.devDependencies.typescript,
          '@types/node': rootPackage.devDependencies['@types/node'],
        },
        overrides: Object.fromEntries(Object.keys(dependencies).map((name) => [name, `$${name}`])),
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  step('installed the tarballs with npm');
  const installed = run('npm', ['ls', '--all', '--parseable'], app);
  check(!installed.includes('@rollup'), 'an unrelated @rollup binary was installed');

  // 3. ESM, CommonJS and strict TypeScript against the simulators.
  const flow = (imports) => `${imports}
const sims = await startSimulators({ seed: 5 });
try {
  sims.solaris.control.seedAccounts([{ id: '5526853938474f3e92b22a03ea57a544cacc', balance: 0 }]);
  sims.embeddedPayments.control.seedAccounts([{ id: '0030000131', category: 'LIMITED_DDA', balance: 0 }]);
  sims.udara360.control.seedAccounts([{ accountNumber: '1100000001', balance: 0 }]);
  const client = createClosureClient({
    adapters: [
      createSolarisAdapter(sims.solaris.adapterSettings),
      createEmbeddedPaymentsAdapter(sims.embeddedPayments.adapterSettings),
      createUdara360Adapter(sims.udara360.adapterSettings),
    ],
  });
  const accounts = { solaris: '5526853938474f3e92b22a03ea57a544cacc', 'embedded-payments': '0030000131', udara360: '1100000001' };
  const states = {};
  for (const [provider, accountId] of Object.entries(accounts)) {
    const result = await client.closeAccount({ provider, accountId, reason: 'CUSTOMER_REQUEST' });
    if (result.isErr()) throw new Error(provider + ': ' + result.error.code);
    states[provider] = result.value.state.unified;
  }
  console.log(JSON.stringify({ version: VERSION, states }));
} finally {
  await sims.close();
}`;
  writeFileSync(
    join(app, 'esm.mjs'),
    flow(`import { createClosureClient, VERSION } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { startSimulators } from '@closekit/simulator';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';`),
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const { createClosureClient, VERSION } = require('@closekit/core');
const { createEmbeddedPaymentsAdapter } = require('@closekit/embedded-payments');
const { startSimulators } = require('@closekit/simulator');
const { createSolarisAdapter } = require('@closekit/solaris');
const { createUdara360Adapter } = require('@closekit/udara360');
(async () => {
${flow('')}
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});`,
  );
  const expected = {
    version: manifests['@closekit/core'].version,
    states: { solaris: 'REQUESTED', 'embedded-payments': 'PENDING', udara360: 'CLOSED' },
  };
  for (const script of ['esm.mjs', 'cjs.cjs']) {
    const output = JSON.parse(run('node', [script], app).trim());
    check(JSON.stringify(output) === JSON.stringify(expected), `${script} printed ${JSON.stringify(output)}`);
  }
  step('ran the ESM and CommonJS scripts against the simulators');

  // The README's first quick start, exactly as a user would paste it.
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const quickStart = readme
    .split('## Quick start: against the simulators')[1]
    ?.match(/```js\n([\s\S]*?)```/)?.[1];
  check(quickStart !== undefined, 'README.md has no ```js block under "Quick start: against the simulators"');
  if (quickStart !== undefined) {
    writeFileSync(join(app, 'quickstart.mjs'), quickStart);
    const printed = run('node', ['quickstart.mjs'], app);
    const promised = [...quickStart.matchAll(/^\/\/ ((?:solaris|embedded-payments|udara360) .+)$/gm)]
      .map((match) => match[1])
      .join('\n');
    check(
      printed.trim() === promised,
      `README quick start printed:\n${printed}\ninstead of what its comments promise:\n${promised}`,
    );
  }
  step('ran the README quick start as pasted');

  writeFileSync(
    join(app, 'check.ts'),
    `${flow(`import { type ClosureError, type ClosureState, createClosureClient, VERSION } from '@closekit/core';
import { createFakeClosureAdapter } from '@closekit/core/testing';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { startSimulators } from '@closekit/simulator';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { EXIT_CODES, renderTable } from '@closekit/cli';`)
      .replace('const states = {};', 'const states: Record<string, ClosureState> = {};')
      // The client knows its providers' names: a plain string is not one of them.
      .replace(
        'of Object.entries(accounts))',
        'of Object.entries(accounts) as [keyof typeof accounts, string][])',
      )}
const fake = createFakeClosureAdapter();
const unknownOutcome: ClosureError['code'] = 'OUTCOME_UNKNOWN';
export const used = [fake.provider, unknownOutcome, EXIT_CODES.OUTCOME_UNKNOWN, renderTable([])];
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['check.ts'],
    }),
  );
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      { ...JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')), type: 'module' },
      null,
      2,
    ),
  );
  try {
    run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
  } catch (error) {
    problems.push(`strict TypeScript failed:\n${error.stdout}${error.stderr}`);
  }
  step('type-checked a strict TypeScript file (NodeNext, skipLibCheck off)');

  // 4. The binary.
  const closekit = join(app, 'node_modules/.bin/closekit');
  check(
    run(closekit, ['--version'], app).trim() === manifests['@closekit/cli'].version,
    'closekit --version',
  );
  const demo = JSON.parse(run(closekit, ['demo', '--json'], app));
  check(demo.ok === true, `closekit demo --json: ${JSON.stringify(demo.problems)}`);
  step('ran closekit --version and closekit demo --json from the installed binary');
} catch (error) {
  problems.push(`${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
} finally {
  if (keep) process.stdout.write(`packed: scratch project kept in ${scratch}\n`);
  else rmSync(scratch, { recursive: true, force: true });
}

if (problems.length > 0) {
  process.stderr.write(`packed: ${problems.length} problem(s):\n- ${problems.join('\n- ')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(
    'packed: every tarball installs and works (ESM, CommonJS, strict TypeScript, binary)\n',
  );
}
