/**
 * The Inspector on a large HAR file (a browser's HAR of one sign-in is often 5–50 MB, and may be
 * 100 MB): read from disk as a stream with @streamparser/json, one entry at a time, keeping only
 * the entries that are OAuth / OpenID Connect / FHIR traffic (with their bodies) and dropping the
 * rest (images, scripts, fonts, analytics) as soon as they are read; the kept entries then go the
 * same way as a pasted HAR (shared/evidence.ts), as a small HAR.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { JSONParser } from '@streamparser/json';
import { endpointOf, isAuthorizeUrl, isCallbackUrl } from '../../../shared/evidence.js';
import { AppFailure } from '../../../shared/result.js';
import type {
  InspectEvidenceInput,
  InspectReport,
  LargeHarSummary,
} from '../../../shared/types.js';
import type { Core } from '../core.js';
import { MAX_HAR_FILE, grantedFile, releaseFile } from '../file-grants.js';
import { guard } from '../model.js';

/** What inspectFile takes: a file (by path from the CLI, else by uploadId) and inspect's options. */
export type InspectFileInput = { path?: string; uploadId?: string; dialog?: boolean } & Omit<
  InspectEvidenceInput,
  'items'
>;

/** The kept part of a large HAR: a small HAR 1.2 document and what was skipped. */
export interface FilteredHar {
  /** HAR 1.2 text with only the kept entries. */
  text: string;
  summary: LargeHarSummary;
}

const FIX_HAR =
  'Open the HAR file the browser saved (DevTools → Network → "Save all as HAR with content"), not a screenshot or a log.';

/** Content that is never OAuth evidence: page assets. */
const ASSET_MIME =
  /^(image|font|audio|video)\/|javascript|ecmascript|^text\/css|wasm|^application\/(font|x-font)|manifest\+json/i;
const ASSET_PATH =
  /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|js|mjs|map|css|woff2?|ttf|otf|eot|mp4|webm|mp3|wasm)$/i;
/** Analytics, tag managers, error trackers and beacons. */
const ANALYTICS =
  /(google-analytics|googletagmanager|doubleclick|googlesyndication|segment\.(io|com)|hotjar|mixpanel|amplitude|newrelic|nr-data\.net|sentry\.io|datadoghq|browser-intake|clarity\.ms|facebook\.(com|net)|connect\.facebook|fullstory|intercom|optimizely|heap(analytics)?\.)/i;
const BEACON_PATH = /\/(g\/)?collect$|\/beacon$|\/analytics|\/telemetry|\/rum$|\/metrics$/i;
/** What an OAuth, OIDC, SMART or FHIR URL path looks like. */
const OAUTH_PATH =
  /token|authori[sz]|\/auth(\/|$)|oauth|openid|oidc|callback|redirect|regist|\.well-known|jwks|certs$|introspect|revo(ke|cation)|userinfo|logout|end_?session|signout|login|consent|smart|\/fhir(\/|$)|\/(r4|r5|stu3|dstu2)(\/|$)|\/metadata$/i;
/** FHIR resources by name at the end of a path: /Patient, /Observation/123, /Patient/$everything. */
const FHIR_RESOURCE =
  /\/(Patient|Practitioner|PractitionerRole|Observation|Encounter|Condition|MedicationRequest|Medication|AllergyIntolerance|Immunization|Procedure|DiagnosticReport|DocumentReference|CarePlan|CareTeam|Goal|Organization|Location|Device|Coverage|Group|Bundle|CapabilityStatement|OperationOutcome|Appointment|Schedule|Slot|Provenance|QuestionnaireResponse|Questionnaire|ServiceRequest|RelatedPerson|Binary)(\/[^/]*)?(\/\$[\w-]+)?$/;
const TOKEN_BODY =
  /(^|&)(grant_type|client_assertion|client_id|code|refresh_token|code_verifier|token)=|"grant_type"\s*:/;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function headerOf(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (const h of headers as unknown[]) {
    const n = str(obj(h)?.name);
    if (n && n.toLowerCase() === name) return str(obj(h)?.value);
  }
  return undefined;
}

/**
 * True for an entry that is OAuth / OIDC / SMART / FHIR traffic: a token request (by its body),
 * the authorize request or the redirect back (by its query or Location), a call with credentials,
 * discovery, JWKS, registration, introspection, revocation, userinfo, logout, or a FHIR resource.
 * Page assets and analytics are not. An entry not shaped like HAR is kept, so that the HAR
 * reader says what is wrong with it.
 */
export function isOAuthEntry(entry: unknown): boolean {
  const e = obj(entry);
  const req = obj(e?.request);
  const res = obj(e?.response);
  const url = str(req?.url);
  const method = str(req?.method);
  if (!e || !req || !res || url === undefined || method === undefined) return true;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return true;
  }
  const post = obj(req.postData);
  const body = str(post?.text) ?? '';
  if (TOKEN_BODY.test(body.slice(0, 4096))) return true;
  if (isAuthorizeUrl(url) || isCallbackUrl(url)) return true;
  const location = headerOf(res.headers, 'location');
  if (location) {
    try {
      const to = new URL(location, url).toString();
      if (isAuthorizeUrl(to) || isCallbackUrl(to)) return true;
    } catch {
      // A Location that is no URL says nothing.
    }
  }
  if (ANALYTICS.test(u.hostname) || BEACON_PATH.test(u.pathname)) return false;
  if (/^(bearer|dpop|basic)\s/i.test(headerOf(req.headers, 'authorization') ?? '')) return true;
  const mime = str(obj(res.content)?.mimeType) ?? headerOf(res.headers, 'content-type') ?? '';
  if (/fhir\+(json|xml)/i.test(mime)) return true;
  if (ASSET_MIME.test(mime) || ASSET_PATH.test(u.pathname)) return false;
  if (OAUTH_PATH.test(u.pathname) || FHIR_RESOURCE.test(u.pathname)) return true;
  return (
    endpointOf({
      method: method.toUpperCase(),
      url,
      headers: [],
      ...(body ? { body } : {}),
    }) !== 'other'
  );
}

const notHar = (what: string) =>
  new AppFailure('INVALID_INPUT', `This file is not a HAR file: ${what}.`, FIX_HAR);

/**
 * Reads a HAR file as a stream and keeps only its OAuth/OIDC/FHIR entries. Throws AppFailure
 * (INVALID_INPUT) for a file that is not a HAR, over MAX_HAR_FILE, or has no such entries.
 */
export async function readLargeHar(path: string, name: string): Promise<FilteredHar> {
  let bytes: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw notHar('it is not a regular file');
    bytes = s.size;
  } catch (e) {
    if (e instanceof AppFailure) throw e;
    throw new AppFailure(
      'FILE_ERROR',
      `Cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
      'Check the path and that the file is readable.',
    );
  }
  if (bytes > MAX_HAR_FILE)
    throw new AppFailure(
      'INVALID_INPUT',
      `${name} is ${mb(bytes)}: the Inspector reads HAR files of at most ${mb(MAX_HAR_FILE)}.`,
      'Record the sign-in alone (DevTools → Network: clear, sign in, then "Save all as HAR"), or filter the HAR to the sign-in requests.',
    );
  await sniff(path);

  const parser = new JSONParser({
    paths: ['$.log.entries.*', '$.log.entries', '$.log.version'],
    keepStack: false,
  });
  const kept: unknown[] = [];
  const originalIndex: number[] = [];
  let entries = 0;
  let sawEntries = false;
  let version = '1.2';
  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 3 && typeof key === 'number') {
      if (isOAuthEntry(value)) {
        kept.push(value);
        originalIndex.push(entries);
      }
      entries++;
    } else if (key === 'entries') sawEntries = Array.isArray(value);
    else if (key === 'version' && typeof value === 'string') version = value;
  };
  let read = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      parser.write(chunk as Uint8Array);
      read += (chunk as Uint8Array).length;
    }
    if (!parser.isEnded) parser.end();
  } catch (e) {
    if (e instanceof AppFailure) throw e;
    throw notHar(
      `it is not valid JSON near byte ${read.toLocaleString('en')} (${(e as Error).message.slice(0, 120)}); it may have been cut off while saving`,
    );
  }
  if (!sawEntries) throw notHar('it has no log.entries (HAR 1.2)');
  if (!entries) throw notHar('log.entries is empty: the browser recorded no requests');
  if (!kept.length)
    throw new AppFailure(
      'INVALID_INPUT',
      `None of the ${entries.toLocaleString('en')} requests in ${name} is OAuth, OpenID Connect or FHIR traffic (all were page assets, analytics or other calls).`,
      'Record the HAR while the sign-in or the failing call happens (DevTools → Network, "Preserve log" on), then save it again.',
    );
  return {
    text: JSON.stringify({
      log: {
        version,
        creator: { name: 'oauth-flow-debugger (large file)', version: '1' },
        entries: kept,
      },
    }),
    summary: {
      name,
      bytes,
      entries,
      kept: kept.length,
      skipped: entries - kept.length,
      originalIndex,
    },
  };
}

/** The first byte that is not white space (or a BOM) must open a JSON object. */
async function sniff(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(512), 0, 512, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (!head) throw notHar('it is empty');
    if (head[0] !== '{')
      throw notHar(
        head.startsWith('PK')
          ? 'it is a zip archive; unzip it first'
          : `it does not start with a JSON object ("${head.slice(0, 20).replace(/\s+/g, ' ')}…")`,
      );
  } finally {
    await fh.close();
  }
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** How many uploads' kept entries stay in memory (another entry or a JWKS without re-uploading). */
const KEEP_READ = 3;

/** inspectFile: a large HAR by path (CLI) or by a granted uploadId (web host, Electron dialog). */
export class InspectFiles {
  /** Uploads already read (their temporary file is gone), newest last. */
  private readonly read = new Map<string, FilteredHar>();

  constructor(private readonly c: Core) {}

  inspectFile(input: InspectFileInput) {
    return guard(async (): Promise<InspectReport> => {
      const { path, uploadId, dialog, ...options } = input;
      let har: FilteredHar;
      if (path) har = await readLargeHar(path, path.split(/[\\/]/).pop() || path);
      else if (uploadId) har = await this.upload(uploadId);
      else if (dialog)
        // The desktop app's main process answers this one itself (electron/main/har-dialog.ts).
        throw new AppFailure(
          'INVALID_INPUT',
          'This host has no file dialog.',
          'Drop the file on the Evidence card (it is uploaded), or give its path to the CLI: oauth-flow-debugger inspect FILE.',
        );
      else
        throw new AppFailure('INVALID_INPUT', 'Give the HAR file: a path or an uploadId.', FIX_HAR);
      const r = await this.c.assertions.inspect({
        ...options,
        items: [{ text: har.text, name: har.summary.name }],
      });
      if (!r.ok) throw new AppFailure(r.error.code, r.error.message, r.error.fix);
      return withSummary(r.value, { ...har.summary, ...(uploadId ? { uploadId } : {}) });
    });
  }

  private async upload(uploadId: string): Promise<FilteredHar> {
    const done = this.read.get(uploadId);
    if (done) return done;
    const grant = grantedFile(uploadId);
    if (!grant)
      throw new AppFailure(
        'NOT_FOUND',
        'That uploaded file is gone (it is read once, and deleted after 15 minutes unread).',
        'Open the HAR file again.',
      );
    try {
      const har = await readLargeHar(grant.path, grant.name);
      this.read.set(uploadId, har);
      for (const k of this.read.keys()) if (this.read.size > KEEP_READ) this.read.delete(k);
      return har;
    } finally {
      // Deleted after use, read or not: the upload holds the customer's secrets.
      if (grant.temporary) await releaseFile(uploadId);
    }
  }
}

/** Says in the report how much of the file was read and what was skipped. */
function withSummary(report: InspectReport, s: LargeHarSummary): InspectReport {
  const what = `${mb(s.bytes)}, ${s.entries.toLocaleString('en')} requests: ${s.skipped.toLocaleString('en')} skipped as not OAuth/OIDC/FHIR traffic (page assets, analytics), ${s.kept.toLocaleString('en')} kept.`;
  return {
    ...report,
    items: report.items.map((i) =>
      i.kind === 'har' ? { ...i, summary: `Large HAR file (${what}) ${i.summary}` } : i,
    ),
    notes: [...report.notes, `Read from a large HAR file of ${what}`],
    report: `${report.report.trimEnd()}\n\n_Read from the large HAR file ${s.name} (${what})_\n`,
    largeFile: s,
  };
}
