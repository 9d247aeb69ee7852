import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../../shared/api/contract.js';
import { Engine } from '../core/engine.js';
import { nodePorts, type EventHub } from '../core/node-ports.js';
import { startWebHost, type WebHost } from '../web-host/server.js';
import { startOpenEmrSim } from './simulators/index.js';
import { selfSignedCert } from './net.js';
import {
  completeDevLogin,
  completeDeviceLogin,
  startSmartServer,
  type SmartServer,
} from './smart-server.js';

/**
 * The real core for the renderer's component tests (vitest globalSetup, plain Node realm): the
 * SMART test servers, and a small control server through which each test starts a fresh engine
 * behind a fresh web host (in-memory store), plays the user's browser, and stops it again.
 * Nothing here answers a contract call itself: every answer comes from the engine.
 */

/** The public app every server knows: PKCE, loopback redirects on any port (RFC 8252 §7.3). */
export const NATIVE_CLIENT_ID = 'patient-app';

/** What the tests get through vitest's provide/inject (JSON only). */
export interface RendererCoreContext {
  /** The control server (POST /<op> with a JSON body). */
  control: string;
  /** A directory the tests may have the engine write files to. */
  scratchDir: string;
  /** main: the usual server; short: 2 s access tokens; tampered: id_tokens with another nonce. */
  servers: Record<ServerName, ServerInfo>;
  /**
   * FHIR bases whose smart-configuration is main's, changed: without grant_types_supported (an
   * incomplete document), or with permission-v2 but not permission-v1. Everything else is main's.
   */
  variantFhirBases: Record<DocumentVariant, string>;
  /** A token endpoint that answers 200 with 8 MB of JSON (over the engine's read cap). */
  hugeTokenEndpoint: string;
  /** A token endpoint that accepts every request and never answers. */
  silentTokenEndpoint: string;
  /**
   * An RSA-2048 private key (PKCS#8 PEM) the engine generated at the start of the run; each
   * test's engine imports it for its backend profile instead of paying for a new RSA key.
   */
  signingKeyPem: string;
  /** A private_key_jwt backend client of the main server, registered with that key (RS384). */
  backendClientId: string;
  /** The OpenEMR simulator (dynamic registration lands clients disabled, as OpenEMR does). */
  openemr: {
    siteAddress: string;
    fhirBase: string;
    tokenEndpoint: string;
    registrationEndpoint: string;
  };
}

export type DocumentVariant = 'no-grant-types' | 'v2-only';

export type ServerName = 'main' | 'short' | 'tampered';

export interface ServerInfo {
  issuer: string;
  fhirBase: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  registrationEndpoint: string;
  jwksUri: string;
  launchContext: { patient: string; encounter: string };
}

interface RunningEngine {
  host: WebHost;
  engine: Engine;
  hub: EventHub;
  /** URLs handed to the system browser port (engines started with `browser`). */
  opened: string[];
  /** Authorization flows (that may still hold a loopback listener) and device flows (polling). */
  flows: Set<string>;
  deviceFlows: Set<string>;
}

const info = (s: SmartServer): ServerInfo => ({
  issuer: s.issuer,
  fhirBase: s.fhirBase,
  tokenEndpoint: s.tokenEndpoint,
  authorizationEndpoint: s.authorizationEndpoint,
  registrationEndpoint: s.registrationEndpoint,
  jwksUri: s.jwksUri,
  launchContext: s.launchContext,
});

const clients = [
  {
    client_id: NATIVE_CLIENT_ID,
    application_type: 'native' as const,
    token_endpoint_auth_method: 'none' as const,
    redirect_uris: ['http://127.0.0.1/callback', 'https://app.example.com/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
  },
];

/**
 * Plays the user at oidc-provider's devInteractions login page, then presses its Cancel link:
 * the server redirects back with error=access_denied. Returns that redirect without following it.
 */
async function abortDevLogin(authorizeUrl: string, redirectPrefix: string): Promise<string> {
  let url = authorizeUrl;
  const cookies: string[] = [];
  for (let hop = 0; hop < 8; hop++) {
    if (url.startsWith(redirectPrefix)) return url;
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; ') } });
    for (const c of r.headers.getSetCookie()) cookies.push(c.split(';')[0] ?? '');
    if (r.status === 200) {
      const uid = /\/interaction\/([^/"]+)/.exec(await r.text())?.[1];
      if (!uid) throw new Error(`No interaction on ${url}`);
      url = new URL(`/interaction/${uid}/abort`, url).toString();
      continue;
    }
    const location = r.headers.get('location');
    if (!location) throw new Error(`HTTP ${r.status} without a redirect at ${url}`);
    url = new URL(location, url).toString();
  }
  throw new Error('Too many redirects while cancelling the dev login.');
}

/**
 * An RSA key made by an engine (generateKey, then exportPrivateKey to `path`) and a backend
 * client registered with its public key at `server` (RFC 7591).
 */
async function backendClient(server: SmartServer, path: string) {
  const engine = new Engine(nodePorts({ ephemeral: true }));
  const key = await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' });
  if (!key.ok) throw new Error(key.error.message);
  const written = await engine.exportPrivateKey({ keyId: key.value.id, path });
  if (!written.ok) throw new Error(written.error.message);
  const res = await fetch(server.registrationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS384',
      jwks: { keys: [key.value.publicJwk] },
      scope: 'system/Patient.rs system/Observation.rs system/*.rs system/Patient.read',
    }),
  });
  const client = (await res.json()) as { client_id?: string };
  if (res.status !== 201 || !client.client_id)
    throw new Error(`Registration failed: ${JSON.stringify(client)}`);
  return { signingKeyPem: readFileSync(path, 'utf8'), backendClientId: client.client_id };
}

export async function startRendererCore(): Promise<{
  context: RendererCoreContext;
  close(): Promise<void>;
}> {
  const root = mkdtempSync(join(tmpdir(), 'ofd-renderer-core-'));
  const rendererDir = join(root, 'renderer');
  const scratchDir = join(root, 'scratch');
  for (const d of [rendererDir, scratchDir]) mkdirSync(d);
  const [main, short, tampered, openemr] = await Promise.all([
    startSmartServer({ clients }),
    startSmartServer({ clients, accessTokenLifetime: 2 }),
    startSmartServer({ clients }),
    startOpenEmrSim(),
  ]);
  tampered.tamper.idToken = 'nonce';
  const { signingKeyPem, backendClientId } = await backendClient(
    main,
    join(scratchDir, 'signing-key.pem'),
  );
  const servers: Record<ServerName, SmartServer> = { main, short, tampered };

  /** main's smart-configuration changed by each variant (servers that publish other documents). */
  const variants: Record<
    DocumentVariant,
    (doc: Record<string, unknown>) => Record<string, unknown>
  > = {
    'no-grant-types': ({ grant_types_supported: _left, ...doc }) => doc,
    'v2-only': (doc) => ({
      ...doc,
      capabilities: (doc.capabilities as string[]).filter((c) => c !== 'permission-v1'),
    }),
  };
  const documents = createServer((req, res) => {
    // A server that accepts the request and never answers it (the engine's cancel is tested on it).
    if (req.url === '/silent/token') return;
    if (req.url === '/huge/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(`{"access_token":"${'a'.repeat(8 * 1024 * 1024)}","token_type":"Bearer"}`);
    }
    const m = /^\/([\w-]+)\/fhir\/\.well-known\/smart-configuration$/.exec(req.url ?? '');
    const variant = m ? variants[m[1] as DocumentVariant] : undefined;
    if (!variant) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":"not_found"}');
    }
    void fetch(`${main.fhirBase}/.well-known/smart-configuration`)
      .then((r) => r.json() as Promise<Record<string, unknown>>)
      .then((doc) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(variant(doc)));
      });
  });
  await new Promise<void>((r) => documents.listen(0, '127.0.0.1', r));
  const documentsOrigin = `http://127.0.0.1:${(documents.address() as AddressInfo).port}`;

  const engines = new Map<string, RunningEngine>();
  let seq = 0;

  async function startEngine(opts: {
    browser?: boolean;
    passphrase?: string;
    workspace?: boolean;
    dataDir?: string;
  }) {
    const ports = nodePorts({
      // A data folder: a later engine on the same folder is the same workspace after a restart.
      ...(opts.dataDir ? { dataDir: opts.dataDir } : { ephemeral: true }),
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
      ...(opts.workspace ? { workspace: true } : {}),
    });
    const opened: string[] = [];
    if (opts.browser) ports.browser = { open: async (u) => void opened.push(u) };
    const engine = new Engine(ports);
    const flows = new Set<string>();
    const deviceFlows = new Set<string>();
    ports.hub.subscribe((event, payload) => {
      const id = (payload as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return;
      if (event === 'authorization') flows.add(id);
      if (event === 'device') deviceFlows.add(id);
    });
    const host = await startWebHost({
      api: engine,
      hub: ports.hub,
      rendererDir,
      handoff: (handoffId) => engine.takeHandoff(handoffId),
    });
    const id = `engine-${++seq}`;
    engines.set(id, { host, engine, hub: ports.hub, opened, flows, deviceFlows });
    return { id, url: host.url, token: host.token };
  }

  /** Ends what an engine may still run (listeners, JWKS host, timers), then its web host. */
  async function stopEngine(id: string) {
    const e = engines.get(id);
    if (!e) return;
    engines.delete(id);
    for (const flowId of e.flows) await e.engine.cancelAuthorization({ flowId });
    for (const flowId of e.deviceFlows) await e.engine.cancelDeviceAuthorization({ flowId });
    await e.engine.stopJwksHost();
    const profiles = await e.engine.listProfiles();
    for (const p of profiles.ok ? profiles.value : [])
      await e.engine.setAutoRefresh({ profileId: p.id, enabled: false });
    await e.host.close();
  }

  const mustEngine = (id: unknown) => {
    const e = engines.get(String(id));
    if (!e) throw new Error(`No engine ${String(id)}.`);
    return e;
  };

  type Body = Record<string, unknown>;
  const ops: Record<string, (b: Body) => Promise<unknown>> = {
    startEngine: (b) =>
      startEngine({
        browser: b.browser === true,
        workspace: b.workspace === true,
        ...(typeof b.dataDir === 'string' ? { dataDir: b.dataDir } : {}),
        ...(typeof b.passphrase === 'string' ? { passphrase: b.passphrase } : {}),
      }),
    stopEngine: async (b) => stopEngine(String(b.id)),
    /** Signs in at the server's login page; returns the redirect the browser would follow. */
    signIn: async (b) => {
      const redirectPrefix = String(b.redirectPrefix);
      const redirect =
        b.cancel === true
          ? await abortDevLogin(String(b.url), redirectPrefix)
          : await completeDevLogin(String(b.url), {
              redirectPrefix,
              ...(typeof b.login === 'string' ? { login: b.login } : {}),
            });
      return { redirect };
    },
    /** Plays the user at the device pages (RFC 8628 §3.3) with the link the page shows. */
    deviceSignIn: async (b) => ({
      page: await completeDeviceLogin(String(b.url), { deny: b.deny === true }),
    }),
    /** Pushes a snapshot on an engine's event hub, as if the engine had sent it (ordering tests). */
    emit: async (b) => {
      mustEngine(b.id).hub.emit(String(b.event) as EventName, b.payload as never);
      return {};
    },
    opened: async (b) => ({ urls: mustEngine(b.id).opened }),
    readFile: async (b) => ({ text: readFileSync(String(b.path), 'utf8') }),
    /** A test's own data folder (a workspace on disk, restarted by a second engine on it). */
    makeDir: async () => ({ path: mkdtempSync(join(scratchDir, 'data-')) }),
    /** A self-signed certificate made now (openssl), for a CA chosen by file (Settings). */
    makeCertificate: async () => ({
      pem: selfSignedCert('ofd-renderer-ca-').cert.toString('utf8'),
    }),
    /** Replaces a file the engine reads (a damaged store value, as another machine's would be). */
    writeFile: async (b) => {
      writeFileSync(String(b.path), String(b.text));
      return {};
    },
  };

  const control = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = ops[(req.url ?? '/').slice(1)];
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? {}));
      };
      if (!op || req.method !== 'POST') return reply(404, { error: `Unknown op ${req.url}` });
      let body: Body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
      } catch {
        return reply(400, { error: 'Body is not JSON.' });
      }
      op(body).then(
        (v) => reply(200, v),
        (e: unknown) => reply(500, { error: e instanceof Error ? e.message : String(e) }),
      );
    });
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>tests</title>');

  return {
    context: {
      control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
      scratchDir,
      signingKeyPem,
      backendClientId,
      servers: { main: info(main), short: info(short), tampered: info(tampered) },
      variantFhirBases: {
        'no-grant-types': `${documentsOrigin}/no-grant-types/fhir`,
        'v2-only': `${documentsOrigin}/v2-only/fhir`,
      },
      hugeTokenEndpoint: `${documentsOrigin}/huge/token`,
      silentTokenEndpoint: `${documentsOrigin}/silent/token`,
      openemr: {
        siteAddress: openemr.urls.siteAddress,
        fhirBase: openemr.urls.fhirBase,
        tokenEndpoint: openemr.urls.tokenEndpoint,
        registrationEndpoint: openemr.urls.registrationEndpoint,
      },
    },
    async close() {
      for (const id of [...engines.keys()]) await stopEngine(id);
      for (const s of [control, documents]) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
      await Promise.all([...Object.values(servers), openemr].map((s) => s.close()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
