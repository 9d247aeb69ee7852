/**
 * App settings (issue 13): the request timeout, the clock-skew tolerance, the proxy and the theme,
 * kept in their own file beside the store (settings.json, through Ports.settings like the saved
 * timeline); a file that cannot be read is kept aside with a notice and the defaults apply. The
 * proxy password is a secret: it lives in the secret store, never in the file or a view.
 * Per profile (ProfileView.tls, requestTimeoutSec): checked here before a profile is saved, and
 * applied to each request of the profile's run through HttpRecorder.useSettings.
 */
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { AppFailure } from '../../../shared/result.js';
import {
  SETTINGS_DEFAULTS,
  settingsProblems,
  type AppSettings,
  type AppSettingsInput,
  type ProfileTls,
  type ProxyMode,
  type ThemeChoice,
} from '../../../shared/types-settings.js';
import type { Core } from '../core.js';
import type { HttpSettings } from '../http.js';
import { PROFILES, type StoredProfile } from '../model.js';

export const SETTINGS_FILE_FORMAT = 'oauth-flow-debugger-settings';
/** The secret store's reference for the custom proxy's password. */
export const PROXY_PASSWORD_REF = 'settings:proxyPassword';

const savedSettings = z.object({
  format: z.literal(SETTINGS_FILE_FORMAT),
  version: z.literal(1),
  requestTimeoutSec: z.number().int().min(1).max(600),
  clockSkewSec: z.number().int().min(0).max(3600),
  proxy: z.object({
    mode: z.enum(['system', 'none', 'custom']),
    url: z.string().optional(),
    username: z.string().optional(),
  }),
  theme: z.enum(['light', 'dark', 'system']),
});

interface Stored {
  requestTimeoutSec: number;
  clockSkewSec: number;
  proxy: { mode: ProxyMode; url?: string; username?: string };
  theme: ThemeChoice;
}

/** Why data is not a settings file, or undefined when it is. */
export function settingsFileProblem(data: unknown): string | undefined {
  const r = savedSettings.safeParse(data);
  if (r.success) return undefined;
  return r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** The proxy the environment names, its credentials masked (what "system" uses). */
export function environmentProxy(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
    }
    return u.toString();
  } catch {
    return 'set, but not a URL';
  }
}

/** Counts the certificates in a CA text; throws INVALID_INPUT in words when one does not parse. */
export function checkCaPem(pem: string): number {
  const blocks = pem.match(/-{5}BEGIN CERTIFICATE-{5}[\s\S]+?-{5}END CERTIFICATE-{5}/g) ?? [];
  if (!blocks.length)
    throw new AppFailure(
      'INVALID_INPUT',
      'tls.caPem: the CA file holds no PEM certificate.',
      'Choose the CA certificate in PEM form (a .pem or .crt file starting with a BEGIN CERTIFICATE line); convert a DER file with openssl x509 -inform der -in ca.der -out ca.pem.',
    );
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch (e) {
      throw new AppFailure(
        'INVALID_INPUT',
        `tls.caPem: certificate ${i + 1} of the CA file does not parse (${(e as Error).message}).`,
        'Choose the CA certificate file again; it may be damaged or not a certificate.',
      );
    }
  });
  return blocks.length;
}

export class Settings {
  private current: Stored = {
    requestTimeoutSec: SETTINGS_DEFAULTS.requestTimeoutSec,
    clockSkewSec: SETTINGS_DEFAULTS.clockSkewSec,
    proxy: { mode: SETTINGS_DEFAULTS.proxy.mode },
    theme: SETTINGS_DEFAULTS.theme,
  };
  private notice?: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly c: Core) {
    this.load();
    c.http.useSettings(() => this.http());
  }

  /** Reads the saved settings (at start); a corrupt file is kept aside with a notice. */
  private load(): void {
    const port = this.c.ports.settings;
    if (!port) return;
    const loaded = port.load(settingsFileProblem);
    if (loaded.keptAside || loaded.reason) {
      this.notice = loaded.keptAside
        ? `The saved settings could not be read (${loaded.reason}); they were kept as ${loaded.keptAside} and the defaults apply.`
        : `The saved settings could not be read (${loaded.reason}); the defaults apply.`;
      const ports = this.c.ports;
      ports.storeStatus = {
        ...ports.storeStatus,
        notices: [...(ports.storeStatus?.notices ?? []), this.notice],
      };
      if (loaded.keptAside) ports.quarantined = [...(ports.quarantined ?? []), loaded.keptAside];
      return;
    }
    if (loaded.data === undefined) return;
    const d = loaded.data as z.infer<typeof savedSettings>;
    this.current = {
      requestTimeoutSec: d.requestTimeoutSec,
      clockSkewSec: d.clockSkewSec,
      proxy: {
        mode: d.proxy.mode,
        ...(d.proxy.url ? { url: d.proxy.url } : {}),
        ...(d.proxy.username ? { username: d.proxy.username } : {}),
      },
      theme: d.theme,
    };
  }

  /** Seconds of clock difference accepted where exp, iat and nbf are judged. */
  skewSec(): number {
    return this.current.clockSkewSec;
  }

  async getSettings(): Promise<AppSettings> {
    const hasPassword = (await this.proxyPassword()) !== undefined;
    const env = environmentProxy();
    return {
      requestTimeoutSec: this.current.requestTimeoutSec,
      clockSkewSec: this.current.clockSkewSec,
      proxy: {
        ...this.current.proxy,
        hasPassword,
        ...(env ? { fromEnvironment: env } : {}),
      },
      theme: this.current.theme,
      persisted: !!this.c.ports.settings,
      ...(this.notice ? { notice: this.notice } : {}),
    };
  }

  async saveSettings(input: AppSettingsInput): Promise<AppSettings> {
    const problems = Object.values(settingsProblems(input));
    if (problems.length)
      throw new AppFailure(
        'INVALID_INPUT',
        problems.join(' '),
        'Correct the settings named and save again.',
      );
    const next: Stored = {
      ...this.current,
      ...(input.requestTimeoutSec !== undefined
        ? { requestTimeoutSec: input.requestTimeoutSec }
        : {}),
      ...(input.clockSkewSec !== undefined ? { clockSkewSec: input.clockSkewSec } : {}),
      ...(input.theme ? { theme: input.theme } : {}),
    };
    if (input.proxy) {
      const { mode } = input.proxy;
      const url = input.proxy.url?.trim();
      const username = input.proxy.username?.trim();
      // The URL and username stay when the mode changes, so switching back needs no retyping.
      next.proxy = {
        mode,
        ...(url ? { url } : mode === 'custom' ? {} : this.keep('url')),
        ...(username ? { username } : input.proxy.username === '' ? {} : this.keep('username')),
      };
      const password = input.proxy.password;
      if (password === '') await this.c.ports.secrets.delete(PROXY_PASSWORD_REF);
      else if (password !== undefined) await this.c.ports.secrets.set(PROXY_PASSWORD_REF, password);
    }
    this.current = next;
    this.notice = undefined;
    await this.save();
    this.c.http.resetDispatchers();
    return this.getSettings();
  }

  private keep(field: 'url' | 'username'): { url?: string; username?: string } {
    const v = this.current.proxy[field];
    return v ? { [field]: v } : {};
  }

  /** Writes the file (one write at a time, the last one wins). */
  private async save(): Promise<void> {
    const port = this.c.ports.settings;
    if (!port) return;
    const data = { format: SETTINGS_FILE_FORMAT, version: 1, ...this.current };
    this.writing = this.writing.catch(() => {}).then(() => port.save(data));
    try {
      await this.writing;
    } catch (e) {
      throw new AppFailure(
        'INTERNAL',
        `The settings could not be saved: ${(e as Error).message}`,
        'Check that the data folder is writable; the settings apply for this session.',
      );
    }
  }

  private async proxyPassword(): Promise<string | undefined> {
    try {
      return await this.c.ports.secrets.get(PROXY_PASSWORD_REF);
    } catch {
      // A locked workspace: the password is there but cannot be read until it is unlocked.
      return undefined;
    }
  }

  /** What the recorder applies to a request: the profile's timeout override, else the app's. */
  async http(): Promise<HttpSettings> {
    const profileId = this.c.runs.context()?.profileId;
    const profile = profileId ? this.storedProfile(profileId) : undefined;
    const sec = profile?.requestTimeoutSec ?? this.current.requestTimeoutSec;
    const { mode, url, username } = this.current.proxy;
    let authorization: string | undefined;
    if (mode === 'custom' && username) {
      const password = (await this.proxyPassword()) ?? '';
      authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return {
      timeoutMs: sec * 1000,
      proxy: {
        mode,
        ...(url ? { url } : {}),
        ...(authorization ? { authorization } : {}),
      },
    };
  }

  private storedProfile(id: string): StoredProfile | undefined {
    const all = (this.c.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
    return all.find((p) => p.id === id);
  }

  /** Before a profile is saved: its CA text must be certificates (INVALID_INPUT in words). */
  checkProfileTls(tls: ProfileTls | undefined): void {
    if (tls?.caPem) checkCaPem(tls.caPem);
  }
}
