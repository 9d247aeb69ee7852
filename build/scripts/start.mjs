// `npm start`: the desktop app where Electron can run; otherwise the same UI on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary, if it is installed, without triggering its lazy download. */
function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile))
      return {
        why: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network to fetch it)',
      };
    const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (!existsSync(bin)) return { why: `the Electron binary is missing at ${bin}` };
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
      return { why: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' };
    return { bin };
  } catch {
    return { why: 'the electron package is not installed' };
  }
}

run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
const electron = process.env.OFD_WEB === '1' ? { why: 'OFD_WEB=1 was set' } : electronBinary();
if (electron.bin) {
  run('node', ['build/scripts/build-electron.mjs']);
  const child = spawn(electron.bin, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Desktop app not started: ${electron.why}.`);
  console.log('Serving the same UI in your browser instead (loopback only, per-run token).');
  const child = spawn(
    process.execPath,
    ['electron/cli/bin.mjs', 'serve', ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
