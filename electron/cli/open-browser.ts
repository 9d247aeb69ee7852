import { spawn } from 'node:child_process';
import type { Ports } from '../core/ports.js';

/**
 * Opens a URL in the system browser (RFC 8252 §4: never an embedded view) with the platform's
 * opener. Only http(s) URLs; the URL is one argument, never passed through a shell.
 */
export const systemBrowser: NonNullable<Ports['browser']> = {
  open: (url) =>
    new Promise<void>((resolve, reject) => {
      if (!/^https?:\/\//i.test(url)) {
        reject(new Error(`Refusing to open a non-http(s) URL: ${url.slice(0, 40)}`));
        return;
      }
      const [cmd, args] =
        process.platform === 'darwin'
          ? ['open', [url]]
          : process.platform === 'win32'
            ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
            : ['xdg-open', [url]];
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    }),
};
