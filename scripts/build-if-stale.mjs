#!/usr/bin/env node
// Used by `pnpm demo` and `pnpm simulate`: builds the published packages only when a dist/ is
// missing or older than its sources, and quietly (the build log is shown only if the build fails).
// On a built checkout it costs a few file stats.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');
/** Files outside a package that change every package's build. */
const sharedInputs = ['tsup.shared.ts', 'tsconfig.base.json', 'pnpm-lock.yaml'].map((file) =>
  join(root, file),
);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  // Tests are not part of the build.
  if (!stats.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

function staleReason(dir) {
  const built = join(packagesDir, dir, 'dist', 'index.js');
  if (!existsSync(built)) return `${dir} is not built`;
  const inputs = ['src', 'package.json', 'tsup.config.ts'].map((file) => join(packagesDir, dir, file));
  const newest = Math.max(...[...inputs, ...sharedInputs].map(newestMtime));
  return newest > statSync(built).mtimeMs ? `${dir} changed since its build` : null;
}

/** The CLI and every workspace package it depends on, directly or not: what the build below builds. */
function cliAndItsDependencies() {
  const dirOf = new Map();
  const manifests = new Map();
  for (const dir of readdirSync(packagesDir)) {
    const file = join(packagesDir, dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    dirOf.set(manifest.name, dir);
    manifests.set(dir, manifest);
  }
  const found = new Set();
  const visit = (dir) => {
    if (dir === undefined || found.has(dir)) return;
    found.add(dir);
    for (const name of Object.keys(manifests.get(dir)?.dependencies ?? {})) visit(dirOf.get(name));
  };
  visit(dirOf.get('@closekit/cli'));
  return [...found];
}

const reasons = cliAndItsDependencies()
  .map(staleReason)
  .filter((reason) => reason !== null);

if (reasons.length > 0) {
  process.stderr.write(
    `Building the closekit packages first (${reasons[0]}); only this once (a minute or more)\n`,
  );
  const build = spawnSync('pnpm', ['--filter', '@closekit/cli...', 'run', 'build'], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}\nThe build failed (log above).\n`);
    process.exit(build.status ?? 1);
  }
}
