// issue 11 §4: the desktop package as electron-builder makes it. Packaging itself does not run
// here (no Electron binary); this checks its config and what the main and preload bundles hold.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));
const config = parse(readFileSync(`${root}build/electron-builder.yml`, 'utf8')) as {
  files: string[];
  asar: boolean;
  electronFuses: Record<string, boolean>;
};

/** The files esbuild puts in a bundle (the same settings as build/scripts/build-electron.mjs). */
async function bundleInputs(entry: string): Promise<string[]> {
  const r = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(r.metafile.inputs);
}

describe('packaging (build/electron-builder.yml)', () => {
  it('turns the fuses on: no RunAsNode, cookie encryption, no NODE_OPTIONS, ASAR integrity, app only from ASAR', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packages only the built main, preload and renderer', () => {
    const included = config.files.filter((f) => !f.startsWith('!'));
    expect(included.sort()).toEqual(
      ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json'].sort(),
    );
  });

  it('the main and preload bundles hold no web host, CLI or ws code', async () => {
    for (const entry of ['electron/main/index.ts', 'electron/preload/index.ts']) {
      const inputs = await bundleInputs(entry);
      expect(inputs).toContain(entry);
      expect(inputs.filter((f) => /electron\/(web-host|cli)\/|node_modules\/ws\//.test(f))).toEqual(
        [],
      );
    }
    // The preload is the contract's channel names and the bridge, nothing of the engine.
    const preload = await bundleInputs('electron/preload/index.ts');
    expect(preload.filter((f) => f.startsWith('electron/core/'))).toEqual([]);
    // The main process does bundle the engine (it runs it).
    expect(await bundleInputs('electron/main/index.ts')).toContain('electron/core/engine.ts');
  });
});
