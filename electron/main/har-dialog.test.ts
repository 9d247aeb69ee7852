/**
 * The desktop Inspector's "Open a large HAR file…": inspectFile({dialog: true}) from our window
 * shows the main process's file dialog (on the typed Electron double) and reads the chosen file;
 * a cancelled dialog says so; a path named by the page is refused, never read.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeChannel } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import type { InspectReport } from '../../shared/types.js';
import { createElectronDouble } from '../testing/electron-double.js';
import type { ElectronApi } from './electron-api.js';
import { createMainProcess } from './main-process.js';

const APP_FRAME = 'app://renderer/index.html';

/** A HAR of one refused token request, among two images. */
const HAR = JSON.stringify({
  log: {
    version: '1.2',
    entries: [
      ...[1, 2].map((i) => ({
        request: { method: 'GET', url: `https://cdn.example/${i}.png`, headers: [] },
        response: { status: 200, headers: [], content: { mimeType: 'image/png', text: 'iVBO' } },
      })),
      {
        request: {
          method: 'POST',
          url: 'https://as.example/token',
          headers: [],
          postData: {
            text: 'grant_type=client_credentials&client_id=a&client_secret=dialog-canary',
          },
        },
        response: {
          status: 401,
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          content: { text: '{"error":"invalid_client"}' },
        },
      },
    ],
  },
});

async function startShell() {
  const double = createElectronDouble();
  const electron: ElectronApi = double.electron;
  const out = mkdtempSync(join(tmpdir(), 'ofd-har-dialog-'));
  const data = new Map<string, unknown>();
  const shell = createMainProcess(electron, {
    outDir: out,
    openStore: () => ({
      store: {
        get: (k) => structuredClone(data.get(k)),
        set: (k, v) => void data.set(k, structuredClone(v)),
        delete: (k) => void data.delete(k),
      },
      quarantined: [],
    }),
    platform: 'linux',
  });
  await shell.ready;
  const win = double.windows[0]!;
  const inspectFile = (input: unknown) =>
    double.invoke(
      invokeChannel('inspectFile'),
      { sender: win.webContents, frameUrl: APP_FRAME },
      input,
    ) as Promise<Result<InspectReport>>;
  return { double, out, inspectFile };
}

describe('the large HAR file dialog', () => {
  it('reads the file the user chose in the main process dialog, and again by its id', async () => {
    const { double, out, inspectFile } = await startShell();
    const path = join(out, 'customer.har');
    writeFileSync(path, HAR);
    double.dialog.answers.push(path);
    const r = await inspectFile({ dialog: true, preset: 'oracle-health' });
    if (!r.ok) throw new Error(r.error.message);
    expect(double.dialog.shown).toHaveLength(1);
    expect(double.dialog.shown[0]!.properties).toEqual(['openFile']);
    expect(r.value.preset?.id).toBe('oracle-health');
    expect(r.value.largeFile).toMatchObject({
      name: 'customer.har',
      entries: 3,
      kept: 1,
      skipped: 2,
    });
    expect(r.value.refused).toBe(true);
    expect(JSON.stringify(r.value)).not.toContain('dialog-canary');
    // Another entry of the same file, by the id the report carries: no second dialog.
    const again = await inspectFile({ uploadId: r.value.largeFile!.uploadId, harEntry: 0 });
    expect(again.ok).toBe(true);
    expect(double.dialog.shown).toHaveLength(1);
  });

  it('a cancelled dialog says no file was chosen', async () => {
    const { double, inspectFile } = await startShell();
    double.dialog.answers.push(null);
    const r = await inspectFile({ dialog: true });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No file was chosen.' },
    });
  });

  it('refuses a path named by the page, without showing a dialog or reading it', async () => {
    const { double, out, inspectFile } = await startShell();
    const path = join(out, 'elsewhere.har');
    writeFileSync(path, HAR);
    const r = await inspectFile({ path });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(double.dialog.shown).toEqual([]);
  });
});
