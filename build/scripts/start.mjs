// `npm start`: the desktop app where Electron can run; otherwise the same UI on 127.0.0.1.
// Rebuilds only what changed since the last build (content stamps beside each output, see
// stamp.mjs): the renderer, then the Electron main process or the CLI bundle that serves the UI.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, noEsbuild } from './build-cli.mjs';
import { buildElectron } from './build-electron.mjs';
import { buildRenderer } from './build-renderer.mjs';
import { ROOT } from './stamp.mjs';

const require = createRequire(import.meta.url);

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

/** Runs one incremental build step; a failed build ends `npm start` with its message. */
async function step(name, fn) {
  const t0 = performance.now();
  try {
    if (await fn({ ifStale: true }))
      console.log(`Built ${name} in ${Math.round(performance.now() - t0)} ms.`);
  } catch (e) {
    if (fn === buildCli && noEsbuild(e)) return console.log(noEsbuild(e));
    console.error(`Could not build ${name}: ${e.message}`);
    process.exit(1);
  }
}

const electron = process.env.OFD_WEB === '1' ? { why: 'OFD_WEB=1 was set' } : electronBinary();
await step('the renderer', buildRenderer);
if (electron.bin) {
  await step('the Electron main process', buildElectron);
  const child = spawn(electron.bin, ['.'], { cwd: ROOT, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  await step('the CLI bundle', buildCli);
  console.log(`Desktop app not started: ${electron.why}.`);
  console.log('Serving the same UI in your browser instead (loopback only, per-run token).');
  // `oauth-flow-debugger serve` in this process, one Node start sooner than spawning it: the bin
  // reads its arguments from process.argv, and handles SIGINT/SIGTERM itself.
  const bin = join(ROOT, 'electron/cli/bin.mjs');
  process.argv = [process.argv[0], bin, 'serve', ...process.argv.slice(2)];
  await import(pathToFileURL(bin).href);
}
