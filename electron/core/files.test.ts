import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/result.js';
import { PKCS8_START } from '../testing/fixtures/pem.js';
import { createNodeFiles, type PrivateWriteFs } from './files.js';
import { must, testEngine } from './test-helpers.js';

describe('exporting a private key never replaces a file unasked', () => {
  it('writes 0600, refuses an existing file with FILE_EXISTS (untouched), replaces it only with overwrite', async () => {
    const engine = testEngine();
    const dir = mkdtempSync(join(tmpdir(), 'ofd-files-'));
    const key = must(await engine.generateKey({ kind: 'EC-P-256', alg: 'ES256' }));
    const path = join(dir, 'key.pem');
    must(await engine.exportPrivateKey({ keyId: key.id, path }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(PKCS8_START);

    writeFileSync(path, 'the key registered with the EHR\n');
    const refused = await engine.exportPrivateKey({ keyId: key.id, path });
    expect(refused.ok ? null : refused.error.code).toBe('FILE_EXISTS');
    expect(refused.ok ? '' : refused.error.fix).toContain('confirm replacing');
    expect(readFileSync(path, 'utf8')).toBe('the key registered with the EHR\n');

    must(await engine.exportPrivateKey({ keyId: key.id, path, overwrite: true }));
    expect(readFileSync(path, 'utf8')).toMatch(PKCS8_START);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The temporary files of the atomic writes are gone.
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });
});

describe('sec-23 writePrivate when the file system refuses the rename or link', () => {
  const failing = (op: 'rename' | 'link', errCode: string, times: number) => {
    const calls = { n: 0 };
    const fs: PrivateWriteFs = {
      ...fsp,
      [op]: async (a: string, b: string) => {
        calls.n++;
        if (calls.n <= times)
          throw Object.assign(new Error(`${errCode}: simulated ${op}`), { code: errCode });
        return fsp[op](a, b);
      },
    };
    return { files: createNodeFiles(fs, [1, 1, 1]), calls };
  };
  const target = (old?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-files-fault-'));
    const path = join(dir, 'profile.json');
    if (old !== undefined) writeFileSync(path, old, { mode: 0o600 });
    return { dir, path };
  };

  it('sec-23 an EPERM on rename is retried and the overwrite then lands', async () => {
    const { files, calls } = failing('rename', 'EPERM', 2);
    const { dir, path } = target('old');
    await files.writePrivate(path, 'new', { overwrite: true });
    expect(calls.n).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['profile.json']);
  });

  it('sec-23 an EPERM that persists is surfaced as FILE_ERROR and the old file is kept', async () => {
    const { files, calls } = failing('rename', 'EPERM', 99);
    const { dir, path } = target('old');
    const e = await files.writePrivate(path, 'new', { overwrite: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppFailure);
    expect((e as AppFailure).code).toBe('FILE_ERROR');
    expect((e as AppFailure).message).toContain('EPERM');
    expect(calls.n).toBe(4); // the first try and three retries
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['profile.json']);
  });

  it('sec-23 an EXDEV on rename falls back to a direct 0600 write', async () => {
    const { files, calls } = failing('rename', 'EXDEV', 99);
    const { dir, path } = target('old');
    await files.writePrivate(path, 'new', { overwrite: true });
    expect(calls.n).toBe(1); // EXDEV is not retried: it will not change
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['profile.json']);
  });

  it('sec-23 without hard links (EPERM on link) the file is created exclusively, never replacing one', async () => {
    const { files } = failing('link', 'EPERM', 99);
    const { dir, path } = target();
    await files.writePrivate(path, 'key');
    expect(readFileSync(path, 'utf8')).toBe('key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const refused = await files.writePrivate(path, 'other').catch((x: unknown) => x);
    expect((refused as AppFailure).code).toBe('FILE_EXISTS');
    expect(readFileSync(path, 'utf8')).toBe('key');
    expect(readdirSync(dir)).toEqual(['profile.json']);
  });
});
