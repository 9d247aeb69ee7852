// The bin as installed: electron/cli/bin.mjs running the esbuild bundle in out/cli/ (built here
// if stale, as `npm install` and `npm start` do). The commands themselves are tested in-process
// (test-cli.ts); this checks what bundling could break: the bin picking the bundle, the chunks
// loading, and the served UI and API from out/cli/ (the renderer path, the lazily loaded engine).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEB_TOKEN_HEADER } from '../../shared/api/contract.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const env = { ...process.env, OFD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ofd-bundle-')) };

beforeAll(() => {
  const r = spawnSync(process.execPath, ['build/scripts/build-cli.mjs', '--if-stale', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.status).toBe(0);
});

describe('CLI bundle', () => {
  it('--help runs from the bundle, without tsx', () => {
    const r = spawnSync(process.execPath, ['electron/cli/bin.mjs', '--help'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stderr).toBe('');
  });

  it('serve prints one URL, the one with the token, and serves the UI and the API', async () => {
    const child = spawn(process.execPath, ['out/cli/index.mjs', 'serve'], { cwd: root, env });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+)\/#token=(\w+)/.exec(out);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      const { origin, hash } = new URL(url);
      const token = hash.slice('#token='.length);
      const api = await fetch(`${origin}/api/listProfiles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: token },
        body: '{"args":[]}',
      });
      expect(((await api.json()) as { ok: boolean }).ok).toBe(true);
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(existsSync(join(root, 'out/renderer/index.html')) ? 200 : 503);
      expect(out.match(/https?:\/\//g)).toHaveLength(1);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    expect(child.exitCode).toBe(0);
  });
});
