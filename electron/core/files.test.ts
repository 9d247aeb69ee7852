import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PKCS8_START } from '../testing/fixtures/pem.js';
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
