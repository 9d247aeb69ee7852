import { describe, expect, it, vi } from 'vitest';
import { createElectronDouble } from '../testing/electron-double.js';
import { createMainProcess } from './main-process.js';
import { isSafeExternalUrl, openExternalSafely } from './open-external.js';

const REFUSED = [
  'file:///etc/passwd',
  'file://server/share/x.exe',
  'smb://attacker.example/share',
  'javascript:alert(document.domain)',
  'JavaScript:alert(1)',
  'ms-settings:privacy',
  'ms-msdt:/id PCWDiagnostic',
  'search-ms:query=x',
  'oauth-flow-debugger://callback?code=x',
  'vscode://file/etc/passwd',
  'data:text/html,<script>alert(1)</script>',
  'https://user@evil.example/',
  'https://user:pass@evil.example/',
  'http://evil.example/',
  'http://127.0.0.1.evil.example/',
  'http://localhost@evil.example/',
  ' https',
  '',
  'not a url',
];

const ALLOWED = [
  'https://ehr.example.com/authorize?client_id=c&state=s',
  'https://example.com/docs#part',
  'http://127.0.0.1:8765/callback',
  'http://localhost:3000/',
  'http://[::1]:8080/x',
];

describe('shell.openExternal', () => {
  it('sec-18 receives only https (and loopback http) URLs that pass the allow-list', async () => {
    const double = createElectronDouble();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const url of REFUSED) {
        expect([url, isSafeExternalUrl(url)]).toEqual([url, false]);
        expect([url, await openExternalSafely(double.electron.shell, url)]).toEqual([url, false]);
      }
      for (const url of ALLOWED)
        expect([url, await openExternalSafely(double.electron.shell, url)]).toEqual([url, true]);
      expect(double.opened).toEqual(ALLOWED);
      // Refusals are logged without the value (it may carry a code or a token).
      expect(warn).toHaveBeenCalledTimes(REFUSED.length);
      const logged = JSON.stringify(warn.mock.calls);
      for (const url of REFUSED.filter((u) => u.length > 8)) expect(logged).not.toContain(url);
    } finally {
      warn.mockRestore();
    }
  });

  it('sec-18 links from the page (window.open, navigation) reach the browser only through the allow-list', async () => {
    const double = createElectronDouble();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      createMainProcess(double.electron, {
        outDir: '/nonexistent',
        openStore: () => ({
          store: { get: () => undefined, set: () => {}, delete: () => {} },
          quarantined: [],
        }),
      });
      await Promise.resolve();
      await new Promise((r) => setImmediate(r));
      const wc = double.windows[0]!.webContents;
      for (const url of REFUSED) {
        wc.windowOpen(url);
        wc.navigate(url);
      }
      wc.windowOpen(ALLOWED[0]!);
      await new Promise((r) => setImmediate(r));
      expect(double.opened).toEqual([ALLOWED[0]]);
    } finally {
      warn.mockRestore();
    }
  });
});
