/**
 * The web host's upload route (UPLOAD_PATH) for the Inspector's large files: the per-run token is
 * required, the body is streamed to a 0600 temporary file and bounded, the file is deleted once
 * inspectFile read it (or when the host closes), and a page can never name a path instead.
 */
import { request } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_PATH, WEB_TOKEN_HEADER, type UploadedFile } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import type { InspectReport } from '../../shared/types.js';
import { Engine } from '../core/engine.js';
import { grantedFile } from '../core/file-grants.js';
import { nodePorts } from '../core/node-ports.js';
import { startWebHost, type WebHost } from './server.js';

const rendererDir = mkdtempSync(join(tmpdir(), 'ofd-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
/** Small bound, so that going over it needs no 200 MB. */
const BOUND = 1024 * 1024;

/** A HAR of one refused token request (what the customer's browser recorded). */
const HAR = JSON.stringify({
  log: {
    version: '1.2',
    entries: [
      {
        startedDateTime: '2026-12-01T09:00:00.000Z',
        request: {
          method: 'POST',
          url: 'https://as.example/oauth2/token',
          headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
          postData: {
            mimeType: 'application/x-www-form-urlencoded',
            text: 'grant_type=client_credentials&client_id=app&client_secret=upload-canary-secret',
          },
        },
        response: {
          status: 401,
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          content: { mimeType: 'application/json', text: '{"error":"invalid_client"}' },
        },
      },
    ],
  },
});

let host: WebHost;
beforeAll(async () => {
  const ports = nodePorts({ ephemeral: true });
  host = await startWebHost({
    api: new Engine(ports),
    hub: ports.hub,
    rendererDir,
    maxUpload: BOUND,
  });
});
afterAll(() => host.close());

async function upload(
  body: string | Buffer,
  token = host.token,
): Promise<{ status: number; body: Result<UploadedFile> }> {
  const res = await fetch(`${host.url}${UPLOAD_PATH}`, {
    method: 'POST',
    headers: { [WEB_TOKEN_HEADER]: token, 'x-file-name': encodeURIComponent('customer (1).har') },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as Result<UploadedFile> };
}

async function call(host: WebHost, method: string, args: unknown[]): Promise<Result<unknown>> {
  const res = await fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: host.token },
    body: JSON.stringify({ args }),
  });
  return (await res.json()) as Result<unknown>;
}

/** A raw request (chunked, or with a declared length and no body), for what fetch cannot send. */
function rawUpload(o: { declared?: number; chunks?: number; chunk?: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: UPLOAD_PATH,
        method: 'POST',
        headers: {
          [WEB_TOKEN_HEADER]: host.token,
          ...(o.declared ? { 'content-length': String(o.declared) } : {}),
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    // The host hangs up once it refused: an error after that is expected.
    req.on('error', (e) => setTimeout(() => reject(e), 2000).unref());
    if (o.chunks) {
      const block = Buffer.alloc(o.chunk ?? 64 * 1024, 0x20);
      let n = 0;
      const more = () => {
        while (n < o.chunks!) {
          n++;
          if (!req.write(block)) return void req.once('drain', more);
        }
        req.end();
      };
      more();
    } else if (!o.declared) req.end();
    else req.flushHeaders();
  });
}

describe('the upload route', () => {
  it('needs the per-run token', async () => {
    const r = await upload(HAR, 'wrong-token');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('streams the file to a 0600 temporary file that inspectFile reads, then deletes', async () => {
    const r = await upload(HAR);
    expect(r.status).toBe(200);
    if (!r.body.ok) throw new Error(r.body.error.message);
    const { uploadId, name, bytes } = r.body.value;
    expect(name).toBe('customer (1).har');
    expect(bytes).toBe(Buffer.byteLength(HAR));
    const path = grantedFile(uploadId)!.path;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const report = await call(host, 'inspectFile', [{ uploadId }]);
    if (!report.ok) throw new Error(report.error.message);
    const value = report.value as InspectReport;
    expect(value.findings.length).toBeGreaterThan(0);
    expect(value.largeFile).toMatchObject({ name: 'customer (1).har', entries: 1, kept: 1 });
    expect(JSON.stringify(value)).not.toContain('upload-canary-secret');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a file over the bound, declared or streamed, and keeps nothing of it', async () => {
    expect(await rawUpload({ declared: BOUND + 1 })).toBe(413);
    expect(await rawUpload({ chunks: 40, chunk: 64 * 1024 })).toBe(413);
    const over = await upload(Buffer.alloc(BOUND + 10, 0x20));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!over.body.ok) expect(over.body.error.message).toMatch(/at most 1 MB/);
    // Just under the bound is taken, and it is the only file in the host's upload folder.
    const under = await upload(Buffer.alloc(BOUND - 10, 0x20));
    expect(under.status).toBe(200);
    if (!under.body.ok) throw new Error(under.body.error.message);
    const kept = grantedFile(under.body.value.uploadId)!.path;
    expect(readdirSync(dirname(kept))).toEqual([basename(kept)]);
  });

  it('takes a file in parts (as the page sends it, to show progress), and a cancel keeps nothing', async () => {
    const post = async (path: string, body?: string) =>
      (await (
        await fetch(`${host.url}${path}`, {
          method: 'POST',
          headers: { [WEB_TOKEN_HEADER]: host.token, 'x-file-name': 'parts.har' },
          ...(body !== undefined ? { body } : {}),
        })
      ).json()) as Result<Record<string, unknown>>;
    const half = Math.floor(HAR.length / 2);
    const begun = await post(`${UPLOAD_PATH}?size=${Buffer.byteLength(HAR)}`);
    if (!begun.ok) throw new Error(begun.error.message);
    const session = String(begun.value.session);
    expect(await post(`${UPLOAD_PATH}/${session}?offset=0`, HAR.slice(0, half))).toEqual({
      ok: true,
      value: { written: half },
    });
    // A part out of order is refused, and the upload goes on from where it was.
    expect(await post(`${UPLOAD_PATH}/${session}?offset=3`, 'x')).toMatchObject({ ok: false });
    const done = await post(`${UPLOAD_PATH}/${session}?offset=${half}`, HAR.slice(half));
    if (!done.ok) throw new Error(done.error.message);
    expect(done.value).toMatchObject({ name: 'parts.har', bytes: Buffer.byteLength(HAR) });
    const report = await call(host, 'inspectFile', [{ uploadId: done.value.uploadId }]);
    expect(report.ok).toBe(true);
    // A size over the bound is refused before any part; a cancelled upload leaves no file.
    expect(await post(`${UPLOAD_PATH}?size=${BOUND + 1}`)).toMatchObject({ ok: false });
    const other = await post(`${UPLOAD_PATH}?size=100`);
    if (!other.ok) throw new Error(other.error.message);
    expect(
      await post(`${UPLOAD_PATH}/${String(other.value.session)}?offset=0`, 'x'.repeat(50)),
    ).toMatchObject({ ok: true });
    await fetch(`${host.url}${UPLOAD_PATH}/${String(other.value.session)}`, {
      method: 'DELETE',
      headers: { [WEB_TOKEN_HEADER]: host.token },
    });
    expect(
      await post(`${UPLOAD_PATH}/${String(other.value.session)}?offset=50`, 'x'.repeat(50)),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Too many bytes for the size announced: refused, and the upload dropped.
    const third = await post(`${UPLOAD_PATH}?size=10`);
    if (!third.ok) throw new Error(third.error.message);
    expect(
      await post(`${UPLOAD_PATH}/${String(third.value.session)}?offset=0`, 'x'.repeat(11)),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('never reads a path named by the page', async () => {
    const path = join(rendererDir, 'local.har');
    writeFileSync(path, HAR);
    const r = await call(host, 'inspectFile', [{ path }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('deletes the uploads nobody read when the host closes', async () => {
    const ports = nodePorts({ ephemeral: true });
    const other = await startWebHost({ api: new Engine(ports), hub: ports.hub, rendererDir });
    const res = await fetch(`${other.url}${UPLOAD_PATH}`, {
      method: 'POST',
      headers: { [WEB_TOKEN_HEADER]: other.token },
      body: HAR,
    });
    const r = (await res.json()) as Result<UploadedFile>;
    if (!r.ok) throw new Error(r.error.message);
    const path = grantedFile(r.value.uploadId)!.path;
    expect(existsSync(path)).toBe(true);
    await other.close();
    expect(existsSync(path)).toBe(false);
    expect(grantedFile(r.value.uploadId)).toBeUndefined();
  });
});
