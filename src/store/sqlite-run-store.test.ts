import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoreContract } from './run-store-contract.js';
import { SqliteRunStore } from './sqlite-run-store.js';

const dir = mkdtempSync(join(tmpdir(), 'store-'));
let n = 0;
runStoreContract('sqlite', () => new SqliteRunStore(join(dir, `runs-${n++}.db`)));

describe('SqliteRunStore', () => {
  it('keeps data across reopening the file', () => {
    const path = join(dir, 'reopen.db');
    const a = new SqliteRunStore(path);
    a.createRun({ name: 'x', config: { k: 'v' }, seed: 3, dir: '/tmp/x' });
    a.close();
    const b = new SqliteRunStore(path);
    expect(b.getRun('x')?.config).toEqual({ k: 'v' });
    b.close();
  });

  it('says which file is not a database', () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'hello, this is not sqlite at all, just text '.repeat(40));
    expect(() => new SqliteRunStore(path)).toThrow(/not-a-db\.db: cannot open the run store/);
  });
});
