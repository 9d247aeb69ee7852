/**
 * The contract test: every method of API_METHODS, called through every host adapter (the shared
 * dispatch, the ipcMain handlers of electron/main/ipc.ts through a typed double of ipcMain, the
 * web host over HTTP), answers exactly what the engine answered to that call, after the engine got
 * exactly the parsed input; and input that no parser accepts is INVALID_INPUT from every adapter,
 * without the engine being called. Each adapter has its own seeded engine (a profile, keys, a
 * second profile to delete), so most calls succeed with real values.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_METHODS,
  WEB_TOKEN_HEADER,
  invokeChannel,
  type ApiMethod,
  type DebuggerApi,
} from '../shared/api/contract.js';
import { dispatch } from '../shared/api/dispatch.js';
import { API_INPUTS, type Parsers } from '../shared/api/inputs.js';
import type { ErrorCode, Result } from '../shared/result.js';
import type { AuthorizationFlowView, KeyInfo, ProfileView } from '../shared/types.js';
import { Engine } from './core/engine.js';
import { nodePorts } from './core/node-ports.js';
import { registerApiHandlers, type IpcDeps } from './main/ipc.js';
import { startWebHost, type WebHost } from './web-host/server.js';

const parsers: Parsers = API_INPUTS;
const scratch = mkdtempSync(join(tmpdir(), 'ofd-contract-'));
writeFileSync(join(scratch, 'index.html'), '<!doctype html>');

/** Nothing listens on port 9 (discard) of the loopback: every network call fails at once. */
const DEAD = 'http://127.0.0.1:9';

/** What one adapter's engine was seeded with, and what earlier calls handed back. */
interface Seed {
  profile: ProfileView;
  spare: ProfileView;
  key: KeyInfo;
  spareKey: KeyInfo;
  dir: string;
  flowId?: string;
  deviceFlowId?: string;
  draftId?: string;
  backup?: string;
  undoId?: string;
}

/** How each method is called on a seeded engine, and what the engine answers (ok, or a code). */
interface Case {
  args(s: Seed): unknown[] | Promise<unknown[]>;
  want: 'ok' | ErrorCode;
  /** Remembers what a later case needs (a flow id, a draft id). */
  keep?(s: Seed, value: unknown): void;
}

/** Every method, in the order they run (later cases use what earlier ones made). */
const CASES: Record<ApiMethod, Case> = {
  getStorageInfo: { args: () => [], want: 'ok' },
  listProfiles: { args: () => [], want: 'ok' },
  saveProfile: {
    args: (s) => [{ ...profileInput(s.key.id), id: s.profile.id, name: 'main (renamed)' }],
    want: 'ok',
  },
  exportProfile: { args: (s) => [s.profile.id], want: 'ok' },
  // A page never names a path (the hosts refuse it); the engine itself has no dialog to show.
  exportProfileFile: {
    args: (s) => [{ profileId: s.profile.id, dialog: true }],
    want: 'INVALID_INPUT',
  },
  duplicateProfile: { args: (s) => [{ profileId: s.profile.id }], want: 'ok' },
  // The seeded profile belongs to no environment group.
  applyToEnvironments: { args: (s) => [{ profileId: s.profile.id }], want: 'INVALID_INPUT' },
  importProfile: {
    args: () => ['{"name":"imported","clientId":"c","scope":"s","auth":{"method":"none"}}'],
    want: 'ok',
  },
  discover: { args: (s) => [{ profileId: s.profile.id }], want: 'ok' },
  listKeys: { args: () => [], want: 'ok' },
  generateKey: { args: () => [{ kind: 'EC-P-256', alg: 'ES256', kid: 'generated' }], want: 'ok' },
  exportPrivateKey: {
    args: (s) => [{ keyId: s.spareKey.id, path: join(s.dir, 'spare.pem') }],
    want: 'ok',
  },
  importKey: {
    args: (s) => [{ text: readFileSync(join(s.dir, 'spare.pem'), 'utf8'), kid: 'imported' }],
    want: 'ok',
  },
  exportJwks: { args: (s) => [[s.key.id]], want: 'ok' },
  buildAssertion: { args: (s) => [{ profileId: s.profile.id }], want: 'ok' },
  inspectAssertion: {
    args: () => [{ jwt: 'eyJhbGciOiJSUzM4NCJ9.eyJpc3MiOiJhIn0.c2ln', clientId: 'a' }],
    want: 'ok',
  },
  inspect: { args: () => [{ items: [{ text: '{"error":"invalid_client"}' }] }], want: 'ok' },
  prepareRegistration: { args: (s) => [{ profileId: s.profile.id }], want: 'ok' },
  sendRegistration: {
    args: (s) => [{ profileId: s.profile.id, body: '{"client_name":"x"}' }],
    want: 'ok',
  },
  manageRegistration: {
    args: (s) => [{ profileId: s.profile.id, action: 'read' }],
    want: 'NOT_FOUND',
  },
  startAuthorization: {
    args: (s) => [{ profileId: s.profile.id, open: false }],
    want: 'ok',
    keep: (s, v) => (s.flowId = (v as AuthorizationFlowView).id),
  },
  getAuthorization: { args: (s) => [{ flowId: s.flowId }], want: 'ok' },
  completeAuthorization: {
    args: (s) => [{ flowId: s.flowId, redirectUrl: 'http://127.0.0.1/callback?state=x&code=y' }],
    want: 'ok',
  },
  cancelAuthorization: { args: (s) => [{ flowId: s.flowId }], want: 'ok' },
  startDeviceAuthorization: { args: (s) => [{ profileId: s.profile.id }], want: 'INVALID_INPUT' },
  cancelDeviceAuthorization: { args: () => [{ flowId: 'no-such-flow' }], want: 'NOT_FOUND' },
  getDeviceAuthorization: { args: () => [{ flowId: 'no-such-flow' }], want: 'NOT_FOUND' },
  prepareTokenRequest: {
    args: (s) => [{ profileId: s.profile.id }],
    want: 'ok',
    keep: (s, v) => (s.draftId = (v as { id: string }).id),
  },
  sendTokenRequest: { args: (s) => [{ draftId: s.draftId }], want: 'ok' },
  checkTokenRequest: { args: (s) => [{ draftId: s.draftId }], want: 'ok' },
  decodeToken: { args: () => [{ token: 'opaque-token-value-123' }], want: 'ok' },
  getTokenSet: { args: () => [], want: 'ok' },
  refreshTokens: { args: (s) => [{ profileId: s.profile.id }], want: 'ok' },
  setAutoRefresh: { args: (s) => [{ profileId: s.profile.id, enabled: false }], want: 'ok' },
  introspectToken: {
    args: (s) => [{ profileId: s.profile.id, which: 'access_token', token: 'tok' }],
    want: 'ok',
  },
  revokeToken: {
    args: (s) => [{ profileId: s.profile.id, which: 'refresh_token', token: 'tok' }],
    want: 'ok',
  },
  callUserinfo: { args: (s) => [{ profileId: s.profile.id, token: 'tok' }], want: 'ok' },
  endSession: { args: (s) => [{ profileId: s.profile.id, open: false }], want: 'ok' },
  // endSession forgot the tokens: no held token to call with.
  callResource: { args: (s) => [{ profileId: s.profile.id, path: 'metadata' }], want: 'NOT_FOUND' },
  hostJwks: { args: (s) => [{ keyIds: [s.key.id] }], want: 'ok' },
  getJwksHost: { args: () => [], want: 'ok' },
  stopJwksHost: { args: () => [], want: 'ok' },
  revealSecret: { args: () => [{ kind: 'client_assertion' }], want: 'ok' },
  listExchanges: { args: () => [], want: 'ok' },
  listExchangesPage: { args: () => [{ after: 'no-such-exchange' }], want: 'NOT_FOUND' },
  listRuns: { args: () => [], want: 'ok' },
  exportHar: { args: () => [{}], want: 'ok' },
  exportBundle: { args: () => [{ runId: 'no-such-run' }], want: 'NOT_FOUND' },
  diffRuns: { args: () => [{ a: { runId: 'no-such-run' }, b: { runId: 'x' } }], want: 'NOT_FOUND' },
  runnableCurl: { args: () => [{ exchangeId: 'no-such-exchange' }], want: 'NOT_FOUND' },
  // Nothing is in flight between the calls of this table: none to cancel.
  cancelRequests: { args: () => [{}], want: 'ok' },
  clearExchanges: { args: () => [], want: 'ok' },
  restoreExchanges: { args: () => [{ undoId: 'no-such-undo' }], want: 'NOT_FOUND' },
  // The real practice server (oidc-provider on 127.0.0.1:0); a second start returns the running one.
  startPracticeServer: { args: () => [{}], want: 'ok' },
  getPracticeServer: { args: () => [], want: 'ok' },
  stopPracticeServer: { args: () => [], want: 'ok' },
  deleteKey: { args: (s) => [s.spareKey.id], want: 'ok' },
  deleteProfile: {
    args: (s) => [s.spare.id],
    want: 'ok',
    keep: (s, v) => (s.undoId = (v as { undoId: string }).undoId),
  },
  restoreProfile: { args: (s) => [{ undoId: s.undoId }], want: 'ok' },
  // The workspace last: startNewWorkspace drops every secret the cases above use.
  protectWorkspace: { args: () => [{ passphrase: 'contract passphrase' }], want: 'ok' },
  unlockWorkspace: { args: () => [{ passphrase: 'not the passphrase' }], want: 'PASSPHRASE_WRONG' },
  exportWorkspace: {
    args: () => [{ passphrase: 'backup passphrase' }],
    want: 'ok',
    keep: (s, v) => (s.backup = (v as { text: string }).text),
  },
  importWorkspace: {
    args: (s) => [{ text: s.backup, passphrase: 'backup passphrase' }],
    want: 'ok',
  },
  keepSecretsForSession: { args: () => [], want: 'ok' },
  startNewWorkspace: { args: () => [], want: 'ok' },
  // No upload by that id: every host (also the web host, which refuses a path) reaches the engine.
  inspectFile: { args: () => [{ uploadId: '0'.repeat(32) }], want: 'NOT_FOUND' },
  getSettings: { args: () => [], want: 'ok' },
  saveSettings: {
    args: () => [{ requestTimeoutSec: 20, proxy: { mode: 'none' }, theme: 'dark' }],
    want: 'ok',
  },
};
const ORDER = Object.keys(CASES) as ApiMethod[];

function profileInput(keyId: string) {
  return {
    name: 'main',
    flow: 'backend-services' as const,
    fhirBaseUrl: `${DEAD}/fhir`,
    tokenEndpoint: `${DEAD}/token`,
    authorizationEndpoint: `${DEAD}/authorize`,
    registrationEndpoint: `${DEAD}/register`,
    introspectionEndpoint: `${DEAD}/introspect`,
    revocationEndpoint: `${DEAD}/revoke`,
    userinfoEndpoint: `${DEAD}/userinfo`,
    endSessionEndpoint: `${DEAD}/logout`,
    clientId: 'contract-client',
    scope: 'system/*.rs',
    auth: { method: 'private_key_jwt' as const, keyId, alg: 'ES256' as const },
  };
}

/** The engine behind a spy that records each call: the input it got and the Result it gave. */
function spied(engine: DebuggerApi) {
  const calls: { method: ApiMethod; args: unknown[]; result: Result<unknown> }[] = [];
  const api: Partial<Record<ApiMethod, (...a: unknown[]) => Promise<Result<unknown>>>> = {};
  for (const m of API_METHODS)
    api[m] = async (...args: unknown[]) => {
      const fn = engine[m] as (...a: unknown[]) => Promise<Result<unknown>>;
      const result = await fn.apply(engine, args);
      calls.push({ method: m, args: structuredClone(args), result: structuredClone(result) });
      return result;
    };
  return { api: api as DebuggerApi, calls };
}

/** A host adapter: how a raw argument list reaches the engine and the Result comes back. */
interface Adapter {
  call(method: ApiMethod, args: unknown): Promise<Result<unknown>>;
  /** The adapter's wire: what it does to a value on the way (JSON for HTTP, a clone for IPC). */
  wire(v: unknown): unknown;
}

interface Rig {
  name: string;
  adapter: Adapter;
  calls: ReturnType<typeof spied>['calls'];
  seed: Seed;
  close(): Promise<void>;
}

const json = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

async function seeded(
  name: string,
): Promise<{ engine: Engine; seed: Seed; ports: ReturnType<typeof nodePorts> }> {
  const ports = nodePorts({ ephemeral: true, workspace: true });
  const engine = new Engine(ports);
  const must = <T>(r: Result<T>) => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  const key = must(await engine.generateKey({ kind: 'EC-P-256', alg: 'ES256', kid: 'main' }));
  const spareKey = must(await engine.generateKey({ kind: 'EC-P-256', alg: 'ES256', kid: 'spare' }));
  const profile = must(await engine.saveProfile(profileInput(key.id)));
  const spare = must(
    await engine.saveProfile({ name: 'spare', clientId: 'c', scope: '', auth: { method: 'none' } }),
  );
  const dir = mkdtempSync(join(scratch, `${name}-`));
  return { engine, ports, seed: { profile, spare, key, spareKey, dir } };
}

/** The dispatch itself, as an in-process host (the CLI) calls it. */
async function dispatchRig(): Promise<Rig> {
  const { engine, seed } = await seeded('dispatch');
  const { api, calls } = spied(engine);
  return {
    name: 'dispatch',
    adapter: { call: (m, args) => dispatch(api, m, args), wire: (v) => v },
    calls,
    seed,
    close: async () => {},
  };
}

/** A typed double of ipcMain: registerApiHandlers registers on it, the test invokes like a frame. */
function ipcDouble() {
  type Listener = Parameters<IpcDeps['ipcMain']['handle']>[1];
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcDeps['ipcMain'] = {
    handle: (channel, listener) => void handlers.set(channel, listener),
  };
  const ownWindow = {} as WebContents;
  const event = (url: string, sender = ownWindow) =>
    ({ sender, senderFrame: { url } }) as unknown as IpcMainInvokeEvent;
  const invoke = async (e: IpcMainInvokeEvent, method: ApiMethod, args: unknown[]) => {
    const h = handlers.get(invokeChannel(method));
    if (!h) throw new Error(`No handler for ${method}`);
    // Electron copies arguments and the answer with the structured clone algorithm.
    return structuredClone((await h(e, ...structuredClone(args))) as Result<unknown>);
  };
  return { ipcMain, handlers, ownWindow, event, invoke };
}

async function ipcRig(): Promise<Rig & { ipc: ReturnType<typeof ipcDouble> }> {
  const { engine, seed } = await seeded('ipc');
  const { api, calls } = spied(engine);
  const ipc = ipcDouble();
  registerApiHandlers(api, {
    ipcMain: ipc.ipcMain,
    isOwnWindow: (sender) => sender === ipc.ownWindow,
  });
  const frame = ipc.event('app://renderer/index.html');
  return {
    name: 'ipc',
    // The preload sends the method's arguments as they are: a non-array is one argument.
    adapter: {
      call: (m, args) => ipc.invoke(frame, m, Array.isArray(args) ? args : [args]),
      wire: (v) => structuredClone(v),
    },
    calls,
    seed,
    ipc,
    close: async () => {},
  };
}

async function httpRig(): Promise<Rig & { host: WebHost }> {
  const { engine, seed, ports } = await seeded('http');
  const { api, calls } = spied(engine);
  const host = await startWebHost({ api, hub: ports.hub, rendererDir: scratch });
  return {
    name: 'web host',
    adapter: {
      call: async (m, args) => {
        const res = await fetch(`${host.url}/api/${m}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: host.token },
          body: JSON.stringify({ args }),
        });
        expect(res.status).toBe(200);
        return (await res.json()) as Result<unknown>;
      },
      wire: json,
    },
    calls,
    seed,
    host,
    close: () => host.close(),
  };
}

let rigs: Rig[] = [];
let ipc: Awaited<ReturnType<typeof ipcRig>>;
beforeAll(async () => {
  ipc = await ipcRig();
  rigs = [await dispatchRig(), ipc, await httpRig()];
});
afterAll(async () => {
  for (const r of rigs) await r.close();
});

describe('every contract method through every host adapter', () => {
  it('has a case for every method', () => {
    expect([...ORDER].sort()).toEqual([...API_METHODS].sort());
  });

  for (const method of ORDER)
    it(`${method}: each adapter answers what the engine answered, for the parsed input`, async () => {
      const c = CASES[method];
      for (const rig of rigs) {
        const sent = await c.args(rig.seed);
        const before = rig.calls.length;
        const got = await rig.adapter.call(method, sent);
        const calls = rig.calls.slice(before);
        expect(
          calls.map((x) => x.method),
          `${rig.name}: one engine call`,
        ).toEqual([method]);
        const call = calls[0]!;
        // The engine got the parser's output for what was sent (over the adapter's wire).
        expect(json(call.args), `${rig.name}: input`).toEqual(
          json(parsers[method].parse(rig.adapter.wire(sent))),
        );
        // The adapter answered exactly the engine's Result (as its wire carries it).
        expect(got, `${rig.name}: result`).toEqual(rig.adapter.wire(call.result));
        expect(got.ok ? 'ok' : got.error.code, `${rig.name}: outcome`).toBe(c.want);
        if (got.ok) c.keep?.(rig.seed, got.value);
      }
    });
});

describe('input no parser accepts', () => {
  it.each([...API_METHODS])(
    '%s: INVALID_INPUT from every adapter, the engine not called',
    async (m) => {
      for (const rig of rigs)
        for (const bad of [[42], ['too', 'many', 'arguments']]) {
          const before = rig.calls.length;
          const got = await rig.adapter.call(m, bad);
          expect(got.ok, `${rig.name} ${JSON.stringify(bad)}`).toBe(false);
          if (!got.ok) expect(got.error.code).toBe('INVALID_INPUT');
          expect(rig.calls.length, `${rig.name}: engine not called`).toBe(before);
        }
    },
  );

  it('a web host body whose args are not a list, and an unknown method', async () => {
    const http = rigs.find((r) => r.name === 'web host')!;
    const got = await http.adapter.call('listProfiles', { not: 'a list' });
    expect(got).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const unknown = await dispatch(engine, 'noSuchMethod' as ApiMethod, []);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('the ipcMain handlers only answer our own frames', () => {
  it('refuses another window, and a frame not loaded from app://renderer', async () => {
    const before = ipc.calls.length;
    for (const e of [
      ipc.ipc.event('app://renderer/index.html', {} as WebContents),
      ipc.ipc.event('https://evil.example/'),
      ipc.ipc.event('app://elsewhere/index.html'),
      ipc.ipc.event(''),
    ])
      expect(await ipc.ipc.invoke(e, 'listProfiles', [])).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    expect(ipc.calls.length).toBe(before);
    expect(ipc.ipc.handlers.size).toBe(API_METHODS.length);
  });
});
