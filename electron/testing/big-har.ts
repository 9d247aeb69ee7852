/**
 * Big, realistic HAR files for the large-file Inspector (tests, e2e and the bench): a real token
 * exchange recorded from the smart server (discovery, then a token request it refuses), buried
 * among many entries a browser records around a sign-in that are no OAuth traffic at all: images,
 * scripts, fonts and analytics beacons, with large base64 bodies as Chrome saves them.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SmartServer } from './smart-server.js';

/** One HAR 1.2 entry, with the fields browsers write. */
export interface BigHarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: { name: string; value: string }[];
    queryString: { name: string; value: string }[];
    postData?: { mimeType: string; text: string };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: { name: string; value: string }[];
    content: { size: number; mimeType: string; text?: string; encoding?: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
}

/** The client the recorded exchange is made with; add it to the smart server's clients. */
export const BIG_HAR_CLIENT = {
  client_id: 'big-har-client',
  token_endpoint_auth_method: 'client_secret_post' as const,
  client_secret: 'the-registered-secret-0000000000000000',
  scope: 'system/Patient.rs',
};

const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + ms).toISOString();

async function record(
  url: string,
  init: { method: string; headers: [string, string][]; body?: string },
  ms: number,
): Promise<BigHarEntry> {
  const res = await fetch(url, {
    method: init.method,
    headers: init.headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  const mimeType = res.headers.get('content-type') ?? 'application/octet-stream';
  return {
    startedDateTime: at(ms),
    time: 12,
    request: {
      method: init.method,
      url,
      httpVersion: 'HTTP/1.1',
      headers: [['Host', new URL(url).host] as const, ...init.headers].map(([name, value]) => ({
        name,
        value,
      })),
      queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
      ...(init.body !== undefined
        ? {
            postData: {
              mimeType: headerOf(init.headers, 'content-type') ?? 'text/plain',
              text: init.body,
            },
          }
        : {}),
      headersSize: -1,
      bodySize: init.body?.length ?? 0,
    },
    response: {
      status: res.status,
      statusText: res.statusText,
      httpVersion: 'HTTP/1.1',
      headers: [...res.headers.entries()].map(([name, value]) => ({ name, value })),
      content: { size: text.length, mimeType, text },
      redirectURL: '',
      headersSize: -1,
      bodySize: text.length,
    },
    cache: {},
    timings: { send: 1, wait: 10, receive: 1 },
  };
}

const headerOf = (h: [string, string][], name: string) =>
  h.find(([n]) => n.toLowerCase() === name)?.[1];

/**
 * The OAuth part of the HAR, recorded from the smart server: its SMART discovery document, then a
 * client_credentials request with a wrong client secret, which the server refuses (401).
 */
export async function recordFailingExchange(smart: SmartServer): Promise<BigHarEntry[]> {
  const discovery = await record(
    `${smart.fhirBase}/.well-known/smart-configuration`,
    { method: 'GET', headers: [['Accept', 'application/json']] },
    1000,
  );
  const token = await record(
    smart.tokenEndpoint,
    {
      method: 'POST',
      headers: [
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['Accept', 'application/json'],
      ],
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: BIG_HAR_CLIENT.client_id,
        client_secret: 'not-the-registered-secret-1111111111',
        scope: BIG_HAR_CLIENT.scope,
      }).toString(),
    },
    1500,
  );
  return [discovery, token];
}

/** A HAR document holding just these entries (what a careful customer would send). */
export function harText(entries: BigHarEntry[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: CREATOR, entries } });
}

const CREATOR = { name: 'WebInspector', version: '537.36' };

/** Kinds of noise a browser records around a sign-in, each as one entry. */
const NOISE = [
  { path: '/static/img/hero-{n}.png', mime: 'image/png', kind: 'binary' },
  { path: '/static/js/chunk-{n}.js', mime: 'application/javascript', kind: 'text' },
  { path: '/static/fonts/inter-{n}.woff2', mime: 'font/woff2', kind: 'binary' },
  { path: '/static/css/app-{n}.css', mime: 'text/css', kind: 'text' },
  { path: '/g/collect?v=2&tid=G-{n}', mime: 'text/plain', kind: 'beacon' },
] as const;

/** Noise body sizes, as fractions of the largest. */
const SIZES = [1, 0.02, 0.06, 0.005, 0.25, 0.01, 0.5];

/**
 * Writes a HAR of about `bytes` bytes to `path`: noise entries (bodies up to `noiseBody` bytes,
 * default 256 KB) with the OAuth entries in the middle. Returns how many entries it wrote.
 */
export async function writeBigHar(
  path: string,
  opts: { bytes: number; oauth: BigHarEntry[]; noiseBody?: number },
): Promise<{ entries: number; noise: number; bytes: number }> {
  const out = createWriteStream(path, { mode: 0o600 });
  let written = 0;
  const write = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const bodyBytes = opts.noiseBody ?? 256 * 1024;
  // One random block, sliced per entry: realistic (incompressible base64) and fast to produce.
  const block = randomBytes(bodyBytes + 64).toString('base64');
  const js = 'function a(b){return b&&b.c?b.c(d):void 0}var d={e:1};'.repeat(
    Math.ceil(bodyBytes / 56),
  );
  await write(
    `{"log":{"version":"1.2","creator":${JSON.stringify(CREATOR)},"pages":[],"entries":[`,
  );
  let n = 0;
  let noise = 0;
  let oauthDone = false;
  const entry = async (e: unknown) => {
    await write(`${n ? ',' : ''}\n${JSON.stringify(e)}`);
    n++;
  };
  while (written < opts.bytes || !oauthDone) {
    if (!oauthDone && written >= opts.bytes / 2) {
      for (const e of opts.oauth) await entry(e);
      oauthDone = true;
      continue;
    }
    const kind = NOISE[noise % NOISE.length]!;
    const offset = noise % 64;
    // Mostly small assets, every few a large one (a hero image, a vendor bundle).
    const size = Math.round(bodyBytes * SIZES[noise % SIZES.length]!);
    const text =
      kind.kind === 'binary'
        ? block.slice(offset, offset + Math.ceil((size * 4) / 3))
        : kind.kind === 'text'
          ? js.slice(0, size)
          : '';
    const url = `https://${kind.kind === 'beacon' ? 'www.google-analytics.com' : 'cdn.portal.example'}${kind.path.replace('{n}', String(noise))}`;
    await entry(noiseEntry(url, kind.mime, text, kind.kind, noise));
    noise++;
  }
  await write('\n]}}\n');
  out.end();
  await once(out, 'finish');
  return { entries: n, noise, bytes: written };
}

function noiseEntry(
  url: string,
  mimeType: string,
  text: string,
  kind: 'binary' | 'text' | 'beacon',
  i: number,
): BigHarEntry {
  const beacon = kind === 'beacon';
  return {
    startedDateTime: at(i * 3),
    time: 4,
    request: {
      method: beacon ? 'POST' : 'GET',
      url,
      httpVersion: 'HTTP/2',
      headers: [
        { name: ':authority', value: new URL(url).host },
        { name: 'accept', value: beacon ? '*/*' : `${mimeType},*/*;q=0.8` },
        { name: 'user-agent', value: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' },
      ],
      queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
      ...(beacon
        ? {
            postData: {
              mimeType: 'text/plain;charset=UTF-8',
              text: `en=page_view&dl=${encodeURIComponent('https://portal.example/login')}&_p=${i}`,
            },
          }
        : {}),
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: beacon ? 204 : 200,
      statusText: beacon ? 'No Content' : 'OK',
      httpVersion: 'HTTP/2',
      headers: [
        { name: 'content-type', value: mimeType },
        { name: 'cache-control', value: 'public, max-age=31536000' },
      ],
      content: {
        size: text.length,
        mimeType,
        ...(text ? { text, ...(kind === 'binary' ? { encoding: 'base64' } : {}) } : {}),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: text.length,
    },
    cache: {},
    timings: { send: 0, wait: 3, receive: 1 },
  };
}
