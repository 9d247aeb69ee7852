// The renderer side of the real core (electron/testing/renderer-core.ts, started by the
// renderer project's globalSetup): a fresh engine behind a fresh web host per test, reached
// through the real HTTP client, and the user's browser played against the SMART test servers.
import { inject } from 'vitest';
import type { DebuggerBridge, EventName, DebuggerEvents } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/result.js';
import { createHttpBridge } from '../api/http-client.js';

export type ServerName = 'main' | 'short' | 'tampered';

/** One SMART test server (oidc-provider). */
export interface ServerInfo {
  issuer: string;
  fhirBase: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  registrationEndpoint: string;
  jwksUri: string;
  launchContext: { patient: string; encounter: string };
}

/** What the globalSetup provides (electron/testing/renderer-core.ts RendererCoreContext). */
export interface RendererCoreContext {
  control: string;
  scratchDir: string;
  servers: Record<ServerName, ServerInfo>;
  /** main's smart-configuration, changed, each at a FHIR base of its own (see renderer-core). */
  variantFhirBases: Record<'no-grant-types' | 'v2-only', string>;
  /** A token endpoint that answers 200 with 8 MB of JSON (over the engine's read cap). */
  hugeTokenEndpoint: string;
  /** A token endpoint that accepts every request and never answers. */
  silentTokenEndpoint: string;
  /** An RSA-2048 private key (PEM) the engine generated at the start of the run. */
  signingKeyPem: string;
  /** A private_key_jwt backend client of the main server, registered with that key (RS384). */
  backendClientId: string;
  /** The OpenEMR simulator. */
  openemr: {
    siteAddress: string;
    fhirBase: string;
    tokenEndpoint: string;
    registrationEndpoint: string;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    rendererCore: RendererCoreContext;
  }
}

/** The public app the test servers know (loopback redirects on any port, PKCE). */
export const NATIVE_CLIENT_ID = 'patient-app';

export const context = (): RendererCoreContext => inject('rendererCore');

/** The SMART test server `name` (main: 300 s tokens; short: 2 s; tampered: id_token nonce). */
export const server = (name: ServerName = 'main'): ServerInfo => context().servers[name];

async function control<T>(op: string, body: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${context().control}/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const value = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`real core ${op}: ${value.error ?? res.status}`);
  return value;
}

export interface EngineOptions {
  /** The host opens the system browser itself (as Electron and the CLI do); the URLs are kept. */
  browser?: boolean;
  /** Secrets stored encrypted with this passphrase (persisted) instead of for the session only. */
  passphrase?: string;
  /**
   * The web host's passphrase workspace (first start undecided; protect, unlock, session only)
   * instead of plain session-only secrets.
   */
  workspace?: boolean;
  /** A data folder (persisted store): a second engine on it is the same workspace restarted. */
  dataDir?: string;
}

export interface RealEngine {
  id: string;
  /** The engine's web host (its /handoff redirects, for instance). */
  url: string;
  /** The real web-host client, as the page uses it. */
  bridge: DebuggerBridge;
  stop(): Promise<void>;
}

const running = new Set<RealEngine>();

/** A fresh engine (empty in-memory store) behind its own web host. */
export async function startEngine(opts: EngineOptions = {}): Promise<RealEngine> {
  const { id, url, token } = await control<{ id: string; url: string; token: string }>(
    'startEngine',
    { ...opts },
  );
  const engine: RealEngine = {
    id,
    url,
    bridge: createHttpBridge({ token, baseUrl: url }),
    stop: async () => {
      running.delete(engine);
      await control('stopEngine', { id });
    },
  };
  running.add(engine);
  return engine;
}

/** Stops every engine a test started (test-setup.ts, after each test). */
export async function stopEngines(): Promise<void> {
  await Promise.all([...running].map((e) => e.stop()));
}

/**
 * Plays the user's browser at the server's sign-in page (login, consent) and returns the URL the
 * server redirects to, without following it. `cancel` presses Cancel on the login page instead.
 */
export async function signInAtServer(
  authorizeUrl: string,
  redirectPrefix: string,
  opts: { cancel?: boolean; login?: string } = {},
): Promise<string> {
  const r = await control<{ redirect: string }>('signIn', {
    url: authorizeUrl,
    redirectPrefix,
    ...opts,
  });
  return r.redirect;
}

/** Plays the user on another device at the server's device pages; resolves with the last page's text. */
export async function signInOnOtherDevice(
  verificationUri: string,
  opts: { deny?: boolean } = {},
): Promise<string> {
  const r = await control<{ page: string }>('deviceSignIn', { url: verificationUri, ...opts });
  return r.page;
}

/** The browser follows a redirect to the loopback listener; resolves with its HTTP status. */
export async function followRedirect(url: string): Promise<number> {
  const res = await fetch(url);
  await res.text();
  return res.status;
}

/** Pushes a snapshot on the engine's event hub, as the engine would (ordering tests). */
export async function pushEvent<E extends EventName>(
  engine: RealEngine,
  event: E,
  payload: DebuggerEvents[E],
): Promise<void> {
  await control('emit', { id: engine.id, event, payload });
}

/** URLs the engine handed to the system browser port. */
export async function openedUrls(engine: RealEngine): Promise<string[]> {
  return (await control<{ urls: string[] }>('opened', { id: engine.id })).urls;
}

/** A file the engine wrote (e.g. an exported private key). */
export async function readEngineFile(path: string): Promise<string> {
  return (await control<{ text: string }>('readFile', { path })).text;
}

/** A fresh data folder for an engine (EngineOptions.dataDir), made by the Node side. */
export async function makeDataDir(): Promise<string> {
  return (await control<{ path: string }>('makeDir', {})).path;
}

/** A certificate (PEM) made on the Node side at test time: a CA file to choose in Settings. */
export async function makeCertificate(): Promise<string> {
  return (await control<{ pem: string }>('makeCertificate', {})).pem;
}

/** Writes a file the engine reads (the renderer realm has no fs of its own). */
export async function writeEngineFile(path: string, text: string): Promise<void> {
  await control('writeFile', { path, text });
}

/** Registers a client at a test server (RFC 7591, open registration); returns its client_id. */
export async function registerClient(
  metadata: Record<string, unknown>,
  name: ServerName = 'main',
): Promise<{ client_id: string; client_secret?: string }> {
  const res = await fetch(server(name).registrationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  const body = (await res.json()) as { client_id: string; client_secret?: string };
  if (res.status !== 201) throw new Error(`Registration failed: ${JSON.stringify(body)}`);
  return body;
}

/** The value of a Result, or a test failure with the engine's message. */
export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
