import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The web host as a person starts it (`oauth-flow-debugger serve`), its output kept. */
export interface ServedHost {
  openUrl: string;
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Spawns `electron/cli/bin.mjs serve` with the given environment and waits for its URL. */
export async function serveProcess(env: Record<string, string>): Promise<ServedHost> {
  const child = spawn(process.execPath, ['electron/cli/bin.mjs', 'serve'], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let out = '';
  let errText = '';
  child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const openUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`serve exited early: ${out}\n${errText}`)));
  });
  return {
    openUrl,
    url: new URL(openUrl).origin,
    stdout: () => out,
    stderr: () => errText,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Every file under dir (recursively), as [path relative to dir, text]. */
export function filesUnder(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push([relative(dir, p), readFileSync(p, 'latin1')]);
    }
  };
  walk(dir);
  return out;
}

/** The forms a secret may take in text: as is, URL-encoded, JSON-escaped. */
function forms(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])];
}

/** How often any of the values (in any of its forms) occurs in text. */
export function countHits(text: string, values: readonly string[]): number {
  let n = 0;
  for (const v of values) for (const f of forms(v)) n += text.split(f).length - 1;
  return n;
}

/** Where secrets were looked for (rows) × secret kinds (columns) → hits. */
export class LeakTable {
  private readonly rows = new Map<string, Map<string, number>>();
  constructor(private readonly canaries: () => Record<string, string[]>) {}

  /** Greps text (a file, a log, a page, a download) for every canary and adds the counts. */
  look(where: string, text: string): void {
    const row = this.rows.get(where) ?? new Map<string, number>();
    for (const [kind, values] of Object.entries(this.canaries()))
      row.set(kind, (row.get(kind) ?? 0) + countHits(text, values));
    this.rows.set(where, row);
  }

  /** "where × kind: n" for every non-zero cell. */
  hits(): string[] {
    const out: string[] = [];
    for (const [where, row] of this.rows)
      for (const [kind, n] of row) if (n > 0) out.push(`${where} × ${kind}: ${n}`);
    return out;
  }

  /** The table, as text (one row per place looked at). */
  render(): string {
    const kinds = Object.keys(this.canaries());
    const width = Math.max(...[...this.rows.keys()].map((w) => w.length), 5);
    const head = `${'where'.padEnd(width)} | ${kinds.join(' | ')}`;
    const lines = [...this.rows].map(
      ([where, row]) =>
        `${where.padEnd(width)} | ${kinds.map((k) => String(row.get(k) ?? 0).padStart(k.length)).join(' | ')}`,
    );
    return [head, '-'.repeat(head.length), ...lines].join('\n');
  }
}

/** The page's text and attribute values: what a person (or a screen reader) could read or copy. */
export function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.body.textContent ?? ''];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) parts.push(a.value);
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) parts.push(el.value);
    }
    return parts.join('\n');
  });
}
