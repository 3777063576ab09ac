import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { defineBulkEngineSuite } from '../testing/bulk-engine-suite';
import { openSqliteBulkEngine } from './sqlite-bulk-engine';

const directory = mkdtempSync(join(tmpdir(), 'closekit-bulk-sqlite-'));
let stores = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

defineBulkEngineSuite('sqlite', {
  newStore: () => join(directory, `run-${++stores}.sqlite`),
  async open(store, settings) {
    const opened = await openSqliteBulkEngine({ ...settings, path: store });
    if (opened.isErr()) throw opened.error;
    return opened.value;
  },
});
