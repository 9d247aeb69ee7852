/**
 * App settings (issue 13): request timeout, clock-skew tolerance, proxy and theme for the whole
 * app, and the per-profile transport settings (TLS trust, a timeout override). Pure data and the
 * checks both the engine and the Settings dialog apply, so a bad value is refused in the same words
 * at the field and at the contract.
 */

/** Where requests go: the proxy of the environment (HTTPS_PROXY…), straight out, or this proxy. */
export type ProxyMode = 'system' | 'none' | 'custom';
/** The colour theme: fixed, or following the operating system. */
export type ThemeChoice = 'light' | 'dark' | 'system';

export interface AppSettings {
  /** Seconds the engine waits for a complete answer (a profile may override it). */
  requestTimeoutSec: number;
  /** Seconds of clock difference accepted where exp, iat and nbf are judged. */
  clockSkewSec: number;
  proxy: {
    mode: ProxyMode;
    /** custom: the proxy's http(s) URL, without credentials. */
    url?: string;
    username?: string;
    /** A proxy password is stored (encrypted with the other secrets); it is never returned. */
    hasPassword: boolean;
    /** system: the proxy the environment names (credentials masked), or none. */
    fromEnvironment?: string;
  };
  theme: ThemeChoice;
  /** Where the settings are kept ("session only" when the workspace is not saved). */
  persisted: boolean;
  /** Said once: the saved settings could not be read (the file was kept aside). */
  notice?: string;
}

/** What saveSettings changes; an omitted field keeps its value. */
export interface AppSettingsInput {
  requestTimeoutSec?: number;
  clockSkewSec?: number;
  proxy?: {
    mode: ProxyMode;
    url?: string;
    username?: string;
    /** New proxy password; omit to keep the stored one, empty string to remove it. */
    password?: string;
  };
  theme?: ThemeChoice;
}

/** A profile's TLS trust (ProfileView.tls). */
export interface ProfileTls {
  /** A CA file on the machine the engine runs on (desktop, CLI). */
  caPath?: string;
  /** CA certificate(s) the user chose by file (also on the web host, which cannot name paths). */
  caPem?: string;
  /** The file name caPem was read from (shown, not used). */
  caName?: string;
  /** Explicit opt-in: certificate checks are OFF; every exchange carries a visible warning. */
  allowSelfSigned?: boolean;
}

export const SETTINGS_DEFAULTS: Omit<AppSettings, 'persisted' | 'notice'> = {
  requestTimeoutSec: 30,
  clockSkewSec: 60,
  proxy: { mode: 'system', hasPassword: false },
  theme: 'system',
};

export const TIMEOUT_RANGE = { min: 1, max: 600 } as const;
export const SKEW_RANGE = { min: 0, max: 3600 } as const;
/** The most CA text a profile holds (a bundle of a few certificates). */
export const MAX_CA_PEM = 256 * 1024;

export type SettingsField = 'requestTimeoutSec' | 'clockSkewSec' | 'proxyUrl' | 'proxyUsername';

/** Why a whole number of seconds is not acceptable, or undefined when it is. */
export function secondsProblem(
  value: number,
  range: { min: number; max: number },
  what: string,
): string | undefined {
  if (!Number.isFinite(value) || !Number.isInteger(value))
    return `${what} must be a whole number of seconds.`;
  if (value < range.min || value > range.max)
    return `${what} must be between ${range.min} and ${range.max} seconds.`;
  return undefined;
}

/** Why the custom proxy URL is not usable, or undefined when it is. */
export function proxyUrlProblem(url: string | undefined): string | undefined {
  if (!url?.trim()) return 'Enter the proxy URL, e.g. http://proxy.example:3128.';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url.trim()))
    return 'Start the proxy URL with http:// or https://, e.g. http://proxy.example:3128.';
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return 'Not a URL: write it as http://host:port (or https://host:port).';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `The proxy URL must start with http:// or https:// (not ${u.protocol}//).`;
  if (u.username || u.password)
    return 'Leave credentials out of the URL: put them in Proxy username and Proxy password (the password is stored encrypted).';
  return undefined;
}

/** Every problem of a settings change, by field, in words (empty when it can be saved). */
export function settingsProblems(input: AppSettingsInput): Partial<Record<SettingsField, string>> {
  const out: Partial<Record<SettingsField, string>> = {};
  if (input.requestTimeoutSec !== undefined) {
    const p = secondsProblem(input.requestTimeoutSec, TIMEOUT_RANGE, 'Request timeout');
    if (p) out.requestTimeoutSec = p;
  }
  if (input.clockSkewSec !== undefined) {
    const p = secondsProblem(input.clockSkewSec, SKEW_RANGE, 'Clock-skew tolerance');
    if (p) out.clockSkewSec = p;
  }
  if (input.proxy?.mode === 'custom') {
    const p = proxyUrlProblem(input.proxy.url);
    if (p) out.proxyUrl = p;
    if (input.proxy.username && /[:\s]/.test(input.proxy.username))
      out.proxyUsername = 'A proxy username cannot contain a colon or spaces.';
  }
  return out;
}
