// Profiles from presets: parameter checks, filled templates, profileFromPreset, why each default.
import type { FlowKind, ProfileInput } from '../types.js';
import {
  ENDPOINT_FIELDS,
  type DiscoveryKind,
  type EndpointField,
  type Fact,
  type PresetId,
  type PresetParam,
  type Template,
  type VendorPreset,
} from './preset-types.js';
import { PRESETS } from './registry.js';
import type { Sources } from './sources.js';

/** What the user typed for a preset's parameters; missing or blank values take the default. */
export type PresetParamValues = Readonly<Record<string, string | boolean | undefined>>;

// The checks are plain functions, not zod: each is one custom rule with one message, and the
// renderer runs them as the user types (zod would be four fifths of the renderer's bundle).

/** What is wrong with a URL parameter, in words that say what to type instead. */
function urlProblem(p: Extract<PresetParam, { kind: 'url' }>, v: string): string | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `${p.label} must be an absolute https URL, e.g. ${p.example}.`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    return `${p.label} must start with https:// (or http:// for a local test server).`;
  if (u.search || u.hash || v.includes('?') || v.includes('#'))
    return `${p.label} must not have a ?query or #fragment.`;
  if (u.username || u.password) return `${p.label} must not carry a user name or password.`;
  const mistake = p.mistakes?.find((m) => new RegExp(m.pattern, 'i').test(u.pathname));
  if (mistake) return mistake.message;
  if (!p.pathAllowed && u.pathname.replace(/\/+$/, '') !== '')
    return `${p.label} is scheme, host and port only, e.g. ${p.example}.`;
  return undefined;
}

function textProblem(p: Extract<PresetParam, { kind: 'text' }>, v: string): string | undefined {
  const mistake = p.mistakes?.find((m) => new RegExp(m.pattern, 'i').test(v));
  if (mistake) return mistake.message;
  if (!new RegExp(p.pattern).test(v)) return p.patternMessage;
  return undefined;
}

/** A parameter's value after defaults: trimmed text, or a boolean. */
function resolveParam(p: PresetParam, values: PresetParamValues): string | boolean {
  const raw = values[p.name];
  if (p.kind === 'boolean') return raw === true || raw === 'true';
  const text = typeof raw === 'string' ? raw.trim() : '';
  return text || (p.default ?? '');
}

/**
 * A message per missing or bad parameter, keyed by parameter name (empty when all are fine).
 * Each message names the parameter by its label and says what to type instead.
 */
export function presetParamErrors(
  presetId: PresetId,
  params: PresetParamValues,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of PRESETS[presetId].params) {
    if (p.kind === 'boolean') continue;
    const value = resolveParam(p, params) as string;
    if (!value) {
      errors[p.name] = `${p.label} is required, e.g. ${p.example}.`;
      continue;
    }
    const problem = p.kind === 'url' ? urlProblem(p, value) : textProblem(p, value);
    if (problem) errors[p.name] = problem;
  }
  return errors;
}

/** Thrown by profileFromPreset when called with parameters presetParamErrors rejects (a bug). */
export class PresetParamsError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(Object.values(errors).join(' '));
    this.name = 'PresetParamsError';
  }
}

function templateValues(preset: VendorPreset, params: PresetParamValues): Map<string, string> {
  const values = new Map<string, string>();
  for (const p of preset.params) {
    const v = resolveParam(p, params);
    if (p.kind === 'boolean') {
      values.set(p.name, v ? p.insert : '');
    } else if (p.kind === 'url') {
      const u = new URL(v as string);
      const path = u.pathname.replace(/\/+$/, '');
      values.set(p.name, `${u.origin}${path}`);
      values.set(`${p.name}.origin`, u.origin);
      values.set(`${p.name}.path`, path);
    } else {
      values.set(p.name, v as string);
    }
  }
  return values;
}

/** Fills {param} placeholders; an unknown placeholder is a bug in the preset table. */
export function fillTemplate(template: Template, values: ReadonlyMap<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_, name: string) => {
    const v = values.get(name);
    if (v === undefined) throw new Error(`Preset template uses unknown parameter {${name}}.`);
    return v;
  });
}

function checkedValues(presetId: PresetId, params: PresetParamValues) {
  const errors = presetParamErrors(presetId, params);
  if (Object.keys(errors).length) throw new PresetParamsError(errors);
  return templateValues(PRESETS[presetId], params);
}

/** The endpoints of a preset filled from the parameters. */
export function presetEndpoints(
  presetId: PresetId,
  params: PresetParamValues,
): Partial<Record<EndpointField, string>> {
  const values = checkedValues(presetId, params);
  const out: Partial<Record<EndpointField, string>> = {};
  for (const field of ENDPOINT_FIELDS) {
    const t = PRESETS[presetId].endpoints[field];
    if (t) out[field] = fillTemplate(t.value, values);
  }
  return out;
}

/** Discovery documents to try, in order, filled from the parameters. */
export function presetDiscoveryUrls(
  presetId: PresetId,
  params: PresetParamValues,
): { kind: DiscoveryKind; url: string }[] {
  const values = checkedValues(presetId, params);
  return PRESETS[presetId].discovery.map((d) => ({
    kind: d.kind,
    url: fillTemplate(d.value, values),
  }));
}

/**
 * The aud values the server accepts in a client assertion, computed from the preset's rule:
 * the token URL, and for Keycloak also the issuer and introspection URLs.
 */
export function expectedAssertionAudiences(
  presetId: PresetId,
  params: PresetParamValues,
): string[] {
  const e = presetEndpoints(presetId, params);
  const rule = PRESETS[presetId].assertionAud.value;
  const list =
    rule === 'issuer-or-token'
      ? [e.issuer, e.tokenEndpoint, e.introspectionEndpoint]
      : [e.tokenEndpoint];
  return list.filter((v): v is string => !!v);
}

function profileName(preset: VendorPreset, values: Map<string, string>): string {
  const first = preset.params.find((p) => p.kind !== 'boolean');
  let detail = first ? (values.get(first.name) ?? '') : '';
  if (first?.kind === 'url') detail = new URL(detail).host;
  if (preset.id === 'keycloak') detail = `${detail} · ${values.get('realm') ?? ''}`;
  return detail ? `${preset.title} · ${detail}` : preset.title;
}

/**
 * A new profile from a preset: endpoints filled from the templates, vendor = the preset id, the
 * flow's auth method, alg and scope, PKCE S256. Throws PresetParamsError when presetParamErrors
 * is not empty, and an Error for a flow the preset has no defaults for (check presetFlows).
 */
export function profileFromPreset(
  presetId: PresetId,
  params: PresetParamValues,
  flow: FlowKind,
): ProfileInput {
  const preset = PRESETS[presetId];
  const defaults = preset.flows[flow];
  if (!defaults) throw new Error(`The ${preset.title} preset has no ${flow} defaults.`);
  const values = checkedValues(presetId, params);
  const endpoints = presetEndpoints(presetId, params);
  return {
    name: profileName(preset, values),
    vendor: preset.id,
    flow,
    ...endpoints,
    clientId: '',
    scope: defaults.scope.value,
    pkce: preset.pkce.value,
    auth: { method: defaults.method.value, alg: preset.algs.default.value },
  };
}

/** One "why is this the default?" line. */
export interface DefaultExplanation {
  /** ProfileInput field path, e.g. tokenEndpoint, auth.method, scope. */
  field: string;
  label: string;
  /** The template or value the preset puts there. */
  value: string;
  why: string;
  source: Sources;
  inferred?: boolean;
}

const FIELD_LABELS: Record<EndpointField, string> = {
  fhirBaseUrl: 'FHIR base URL',
  issuer: 'Issuer',
  tokenEndpoint: 'Token endpoint',
  authorizationEndpoint: 'Authorization endpoint',
  registrationEndpoint: 'Registration endpoint',
  introspectionEndpoint: 'Introspection endpoint',
  revocationEndpoint: 'Revocation endpoint',
  userinfoEndpoint: 'Userinfo endpoint',
  endSessionEndpoint: 'End session endpoint',
};

const explain = (
  field: string,
  label: string,
  fact: Fact<unknown>,
  value: string,
): DefaultExplanation => ({
  field,
  label,
  value,
  why: fact.why,
  source: fact.source,
  ...(fact.inferred ? { inferred: true } : {}),
});

/** Why each field profileFromPreset fills has its value, with sources (for the UI). */
export function explainProfileDefaults(presetId: PresetId, flow: FlowKind): DefaultExplanation[] {
  const preset = PRESETS[presetId];
  const out: DefaultExplanation[] = [];
  for (const field of ENDPOINT_FIELDS) {
    const t = preset.endpoints[field];
    if (t) out.push(explain(field, FIELD_LABELS[field], t, t.value));
  }
  const defaults = preset.flows[flow];
  if (defaults) {
    const m = defaults.method;
    out.push(explain('auth.method', 'Auth method', m, m.value));
    out.push(
      explain(
        'auth.acceptedMethods',
        'Accepted auth methods',
        defaults.acceptedMethods,
        defaults.acceptedMethods.value.join(', '),
      ),
    );
    out.push(explain('scope', 'Scope', defaults.scope, defaults.scope.value || '(none)'));
  }
  if (!defaults || defaults.method.value === 'private_key_jwt' || flow === 'backend-services') {
    out.push(
      explain('auth.alg', 'Signing algorithm', preset.algs.default, preset.algs.default.value),
    );
    const acc = preset.algs.accepted;
    out.push(explain('auth.acceptedAlgs', 'Accepted algorithms', acc, acc.value.join(', ')));
    const aud = preset.assertionAud;
    out.push(explain('assertion.aud', 'Assertion aud', aud, aud.value));
  }
  if (flow === 'authorization-code') out.push(explain('pkce', 'PKCE', preset.pkce, 'S256'));
  return out;
}
