import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBodyTolerantly } from '../../../shared/tolerant-json.js';
import { AppFailure } from '../../../shared/result.js';
import type { JwksHostView } from '../../../shared/types.js';
import type { HttpRecorder } from '../http.js';
import { publicJwks, type EngineKey } from '../keys.js';
import type { Ports } from '../ports.js';
import type { StoredProfile } from '../model.js';

export const JWKS_HOST_NOTE =
  'Only servers on this machine can reach 127.0.0.1; a cloud server cannot — publish the JWKS at a public https URL for it.';

/** Where the port chosen for each set of keys is remembered (store key). */
export const JWKS_PORTS = 'jwksPorts';

/** The store key of a set of keys: their ids, sorted. */
export const keySetId = (keys: EngineKey[]) =>
  keys
    .map((k) => k.info.id)
    .sort()
    .join(',');

/** A JWKS URL this app hosts (loopback, /jwks.json), whatever its port. */
export const isHostedJwksUrl = (u: string | undefined) =>
  !!u && /^http:\/\/127\.0\.0\.1:\d+\/jwks\.json$/.test(u);

/** JWK members that hold private key material (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The public JWKS of the keys, with any private member removed (belt and braces). */
export function servedJwks(keys: EngineKey[]): { keys: Record<string, unknown>[] } {
  return {
    keys: publicJwks(keys).keys.map((k) =>
      Object.fromEntries(Object.entries(k).filter(([n]) => !PRIVATE_MEMBERS.includes(n))),
    ),
  };
}

export interface JwksHostDeps {
  ports: Ports;
  http: HttpRecorder;
  /** The stored profiles, to flag those whose jwks_uri names an earlier URL of these keys. */
  profiles: () => StoredProfile[];
}

/**
 * Serves a public JWKS at http://127.0.0.1:{port}/jwks.json so a server on this machine can use
 * it as the client's jwks_uri. One host at a time; starting again replaces it.
 */
export class JwksHost {
  private server?: Server;
  private current?: JwksHostView;

  constructor(private readonly deps: JwksHostDeps) {}

  /**
   * Hosts the keys at a stable URL: the port chosen the first time for these keys (remembered in
   * the store, across restarts) unless `port` asks for another; the port used is remembered.
   */
  async host(keys: EngineKey[], port?: number): Promise<JwksHostView> {
    const { store } = this.deps.ports;
    const ports = (store.get(JWKS_PORTS) as Record<string, number> | undefined) ?? {};
    const setId = keySetId(keys);
    const remembered = ports[setId];
    const use = port ?? remembered ?? 0;
    const ids = new Set(keys.map((k) => k.info.id));
    const staleProfiles = this.deps
      .profiles()
      .filter((p) => p.auth.keyId && ids.has(p.auth.keyId) && isHostedJwksUrl(p.jwksUri))
      .map((p) => ({ profileId: p.id, name: p.name, jwksUri: p.jwksUri! }));
    const view = await this.start(keys, use, {
      rememberedPort: remembered !== undefined && use === remembered,
      staleProfiles,
    });
    if (remembered !== view.port) store.set(JWKS_PORTS, { ...ports, [setId]: view.port });
    return view;
  }

  private async start(
    keys: EngineKey[],
    port = 0,
    more: Pick<JwksHostView, 'rememberedPort' | 'staleProfiles'> = {
      rememberedPort: false,
      staleProfiles: [],
    },
  ): Promise<JwksHostView> {
    if (!keys.length)
      throw new AppFailure(
        'NOT_FOUND',
        'No keys to serve.',
        'Generate or import a key in the Keys step (or choose one in the profile).',
      );
    await this.stop();
    const body = JSON.stringify(servedJwks(keys));
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path !== '/jwks.json' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found. The JWKS is at /jwks.json.');
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new AppFailure(
                'PORT_IN_USE',
                more.rememberedPort
                  ? `Port ${port} on 127.0.0.1, the one remembered for this key's JWKS URL, is in use by another program.`
                  : `Port ${port} on 127.0.0.1 is already in use.`,
                more.rememberedPort
                  ? `Stop the program holding port ${port}, or host on another port; registrations that name http://127.0.0.1:${port}/jwks.json then need their jwks_uri updated.`
                  : 'Pick another port, or 0 for a free one.',
              )
            : e,
        ),
      );
      server.listen({ port, host: '127.0.0.1', exclusive: true }, resolve);
    });
    server.on('error', () => undefined);
    this.server = server;
    const actual = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${actual}/jwks.json`;
    const kids = keys.map((k) => k.info.kid);

    // Fetched back like a server would: proves the URL answers with these keys.
    const { exchange, raw } = await this.deps.http.send(
      { method: 'GET', url, headers: [['accept', 'application/json']] },
      { step: 'JWKS hosting', ...this.deps.ports.http },
    );
    const got = raw ? parseBodyTolerantly(raw.body).json?.keys : undefined;
    const reachable =
      raw?.status === 200 &&
      Array.isArray(got) &&
      kids.every((kid) => got.some((k) => (k as { kid?: unknown }).kid === kid));
    this.current = {
      url,
      port: actual,
      kids,
      reachable,
      exchangeId: exchange.id,
      note: JWKS_HOST_NOTE,
      rememberedPort: more.rememberedPort,
      staleProfiles: more.staleProfiles.filter((p) => p.jwksUri !== url),
    };
    return { ...this.current };
  }

  async stop(): Promise<boolean> {
    const server = this.server;
    if (!server) return false;
    this.server = undefined;
    this.current = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return true;
  }

  view(): JwksHostView | null {
    return this.current
      ? {
          ...this.current,
          kids: [...this.current.kids],
          staleProfiles: this.current.staleProfiles.map((p) => ({ ...p })),
        }
      : null;
  }
}
