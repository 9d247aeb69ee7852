import type { Finding } from '../../../shared/diagnosis/codes.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import { transportFinding } from '../../../shared/diagnosis/token-response.js';
import {
  AS_FIELDS,
  SMART_FIELDS,
  authFieldFindings,
  checkFields,
  clientOverrideFindings,
  discoveryClientHeader,
  discoveryUrls,
  type DiscoveryClientHeader,
} from '../../../shared/diagnosis/discovery-rules.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import { AppFailure } from '../../../shared/result.js';
import { parseBodyTolerantly } from '../../../shared/tolerant-json.js';
import type { DiscoveryDocument, DiscoveryResult, HeaderList } from '../../../shared/types.js';
import { type TlsOptions } from '../http.js';
import { type StoredProfile, guard, wellKnownBase, stripUndefined } from '../model.js';
import type { Core } from '../core.js';

/** Discovery: SMART configuration, OpenID and RFC 8414 metadata, judged field by field. */
export class DiscoveryFeature {
  constructor(private readonly c: Core) {}

  discover(target: { fhirBaseUrl?: string; issuer?: string; profileId?: string }) {
    return guard(async () => {
      const p = target.profileId ? this.c.profiles.mustProfile(target.profileId) : undefined;
      // A full well-known URL is accepted: its base is the FHIR base or the issuer.
      const given = wellKnownBase(target.fhirBaseUrl ?? p?.fhirBaseUrl, target.issuer ?? p?.issuer);
      const fhirBaseUrl = given.fhirBaseUrl;
      const issuer = given.issuer;
      if (!fhirBaseUrl && !issuer)
        throw new AppFailure(
          'INVALID_INPUT',
          'Nothing to discover: the profile has neither a FHIR base URL nor an issuer.',
          'Enter the FHIR base URL (for SMART) or the issuer (for OpenID/OAuth) in the profile.',
        );
      const res = await this.runDiscovery(
        { fhirBaseUrl, issuer },
        p?.tls,
        discoveryClientHeader(p),
      );
      if (p) this.c.s.discovery.set(p.id, res);
      return res;
    });
  }

  /**
   * GETs a metadata document. Redirects are followed (up to 3; a metadata GET carries no
   * credentials), each hop recorded in the timeline, and the final URL returned.
   */
  async fetchJson(url: string, step: string, tls?: TlsOptions, extra: HeaderList = []) {
    let at = url;
    let r = await this.c.http.send(
      { method: 'GET', url: at, headers: [['accept', 'application/json'], ...extra] },
      { step, ...(tls ? { tls } : {}), ...this.c.ports.http },
    );
    const hops: { from: string; to: string; status: number }[] = [];
    for (let i = 0; i < 3 && r.raw && r.raw.status >= 300 && r.raw.status < 400; i++) {
      const location = r.raw.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
      if (!location) break;
      const to = new URL(location, at).toString();
      hops.push({ from: at, to, status: r.raw.status });
      at = to;
      r = await this.c.http.send(
        { method: 'GET', url: at, headers: [['accept', 'application/json'], ...extra] },
        { step: `${step} (redirected)`, ...(tls ? { tls } : {}), ...this.c.ports.http },
      );
    }
    const parsed = r.raw ? parseBodyTolerantly(r.raw.body) : undefined;
    return { r, parsed, hops, finalUrl: at };
  }

  /**
   * Discovery. `client` (the perClientDiscovery trait: Epic-Client-ID) is sent as a header, so that
   * per-client endpoint overrides apply, and the first document is fetched once more without it to
   * compare (E4).
   */
  private async runDiscovery(
    target: { fhirBaseUrl?: string; issuer?: string },
    tls?: TlsOptions,
    client?: DiscoveryClientHeader,
  ): Promise<DiscoveryResult> {
    const documents: DiscoveryDocument[] = [];
    const findings: Finding[] = [];
    const merged: Record<string, unknown> = {};
    const clientHeader: HeaderList = client ? [[client.name.toLowerCase(), client.value]] : [];
    let firstGood: { url: string; json: Record<string, unknown> } | undefined;
    const goodDocs: Record<string, unknown>[] = [];
    let smartUrl: string | undefined;
    const fetchDoc = async (kind: DiscoveryDocument['kind'], url: string) => {
      const { r, parsed, hops, finalUrl } = await this.fetchJson(
        url,
        'Discovery',
        tls,
        clientHeader,
      );
      for (const h of hops)
        findings.push(
          finding(
            'DISCOVERY_INCOMPLETE',
            `${h.from} answered HTTP ${h.status} with Location ${h.to}; the document was read there.`,
            {
              basis: 'server',
              severity: 'info',
              title: 'Discovery was redirected',
              fix: 'Use the final URL (or its base) in the profile, so no request depends on the redirect.',
              source: 'RFC 8414 §3; SMART App Launch (.well-known/smart-configuration)',
            },
          ),
        );
      const status = r.raw?.status;
      const json = parsed?.json;
      const good = !!json && status !== undefined && status >= 200 && status < 300;
      const doc: DiscoveryDocument = {
        kind,
        url,
        ok: good,
        ...(status !== undefined ? { status } : {}),
        fields: good
          ? checkFields(json, kind === 'smart-configuration' ? SMART_FIELDS : AS_FIELDS)
          : [],
        exchangeId: r.exchange.id,
        ...(finalUrl !== url ? { redirectedTo: finalUrl } : {}),
      };
      if (!good) {
        doc.error = r.exchange.error
          ? r.exchange.error.message
          : status === 404
            ? 'Not found (404).'
            : parsed?.kind !== 'json'
              ? `HTTP ${status}, body is not JSON.`
              : `HTTP ${status}.`;
      }
      documents.push(doc);
      if (good) {
        firstGood ??= { url, json };
        goodDocs.push(json);
        for (const [k, v] of Object.entries(json)) if (merged[k] === undefined) merged[k] = v;
        const missing = doc.fields
          .filter((f) => f.status === 'missing-required')
          .map((f) => f.name);
        if (missing.length)
          findings.push(
            finding(
              'DISCOVERY_INCOMPLETE',
              `${kind} at ${url} lacks required ${missing.join(', ')}.`,
            ),
          );
        if (kind === 'smart-configuration') {
          smartUrl = url;
          const methods = json.code_challenge_methods_supported;
          if (Array.isArray(methods) && methods.includes('plain'))
            findings.push(
              finding(
                'DISCOVERY_INCOMPLETE',
                'code_challenge_methods_supported includes "plain"; SMART forbids it.',
                { title: 'PKCE plain advertised' },
              ),
            );
        }
        if (
          kind !== 'smart-configuration' &&
          target.issuer &&
          json.issuer !== undefined &&
          String(json.issuer).replace(/\/$/, '') !== target.issuer.replace(/\/$/, '')
        )
          findings.push(
            finding(
              'DISCOVERY_INCOMPLETE',
              `${kind} issuer is "${String(json.issuer)}", expected "${target.issuer}".`,
              { title: 'Issuer in metadata differs from the one used to find it' },
            ),
          );
      }
      return json;
    };
    const urls = discoveryUrls(target);
    // (The auth fields are judged on every document together, after all are read: a field the
    // OpenID document advertises is advertised, whatever the smart-configuration omits.)
    let smart: Record<string, unknown> | undefined;
    for (const u of urls.filter((x) => x.kind === 'smart-configuration'))
      smart = await fetchDoc(u.kind, u.url);
    const issuer = target.issuer ?? (typeof smart?.issuer === 'string' ? smart.issuer : undefined);
    if (issuer) {
      const asUrls = discoveryUrls({ issuer });
      const results = await Promise.all(asUrls.map((u) => fetchDoc(u.kind, u.url)));
      if (!target.fhirBaseUrl && results.every((x) => !x))
        findings.push(
          finding(
            'DISCOVERY_INCOMPLETE',
            `Neither ${asUrls.map((u) => u.url).join(' nor ')} returned metadata.`,
            { title: 'No authorization server metadata found' },
          ),
        );
    }
    if (smartUrl) {
      const union: Record<string, unknown> = {};
      for (const k of [
        'token_endpoint_auth_methods_supported',
        'token_endpoint_auth_signing_alg_values_supported',
        'capabilities',
      ]) {
        const lists = goodDocs.filter((d) => Array.isArray(d[k])).map((d) => d[k] as unknown[]);
        if (lists.length) union[k] = [...new Set(lists.flat().map(String))];
      }
      findings.push(...authFieldFindings(union, smartUrl));
    }
    if (client && firstGood) {
      // E4: the same document without the client's header; a difference is a per-client override.
      const generic = await this.fetchJson(
        firstGood.url,
        `Discovery (without ${client.name})`,
        tls,
      );
      const json = generic.parsed?.json;
      const status = generic.r.raw?.status ?? 0;
      if (json && status >= 200 && status < 300)
        findings.push(
          ...clientOverrideFindings({
            client,
            url: firstGood.url,
            perClient: firstGood.json,
            generic: json,
          }),
        );
    }
    if (
      smart &&
      typeof merged.token_endpoint === 'string' &&
      typeof smart.token_endpoint === 'string' &&
      merged.token_endpoint !== smart.token_endpoint
    )
      findings.push(
        finding(
          'DISCOVERY_INCOMPLETE',
          `smart-configuration says token_endpoint ${smart.token_endpoint}, the other document ${String(merged.token_endpoint)}.`,
          { title: 'Documents disagree on the token endpoint' },
        ),
      );
    if (documents.every((d) => !d.ok)) {
      const ex = this.c.http.exchanges.find((e) => e.id === documents[0]?.exchangeId);
      // What the server said when it refused the documents (a tenant or realm it does not know).
      const said = documents
        .map((d) => this.c.http.exchanges.find((e) => e.id === d.exchangeId))
        .filter((e) => !!e?.response && e.response.status >= 400)
        .flatMap((e) =>
          diagnose({
            endpoint: 'discovery',
            url: e!.request.url,
            response: {
              status: e!.response!.status,
              headers: e!.response!.headers,
              body: e!.response!.body,
            },
          }).findings.filter(
            (f) =>
              f.basis === 'server' && f.severity === 'error' && f.code !== 'ENDPOINT_NOT_FOUND',
          ),
        );
      if (ex?.error) findings.unshift(transportFinding(ex.error, ex.request.url));
      else if (said.length) findings.unshift(...said.slice(0, 3));
      else
        findings.unshift(
          finding(
            'DISCOVERY_INCOMPLETE',
            `No discovery document could be read (${documents.map((d) => `${d.url}: ${d.error}`).join('; ')}).`,
            { severity: 'error', title: 'Discovery failed' },
          ),
        );
    }
    const arr = (k: string) =>
      Array.isArray(merged[k]) ? (merged[k] as unknown[]).map(String) : undefined;
    const str = (k: string) =>
      typeof (smart?.[k] ?? merged[k]) === 'string' ? String(smart?.[k] ?? merged[k]) : undefined;
    return stripUndefined({
      documents,
      tokenEndpoint: str('token_endpoint'),
      authorizationEndpoint: str('authorization_endpoint'),
      deviceAuthorizationEndpoint: str('device_authorization_endpoint'),
      registrationEndpoint: str('registration_endpoint'),
      introspectionEndpoint: str('introspection_endpoint'),
      revocationEndpoint: str('revocation_endpoint'),
      userinfoEndpoint: str('userinfo_endpoint'),
      endSessionEndpoint: str('end_session_endpoint'),
      issParameterSupported:
        merged.authorization_response_iss_parameter_supported === true ? true : undefined,
      codeChallengeMethods: arr('code_challenge_methods_supported'),
      jwksUri: str('jwks_uri'),
      issuer: str('issuer'),
      authMethods: arr('token_endpoint_auth_methods_supported'),
      signingAlgs: arr('token_endpoint_auth_signing_alg_values_supported'),
      scopesSupported: arr('scopes_supported'),
      capabilities: Array.isArray(smart?.capabilities)
        ? (smart.capabilities as unknown[]).map(String)
        : undefined,
      findings: rankFindings(findings),
    }) as DiscoveryResult;
  }

  /** Discovery for a profile, run once per profile and kept for the session. */
  async discoveryFor(p: StoredProfile): Promise<DiscoveryResult | undefined> {
    const hit = this.c.s.discovery.get(p.id);
    if (hit) return hit;
    if (!p.fhirBaseUrl && !p.issuer) return undefined;
    const d = await this.runDiscovery(
      { fhirBaseUrl: p.fhirBaseUrl, issuer: p.issuer },
      p.tls,
      discoveryClientHeader(p),
    );
    this.c.s.discovery.set(p.id, d);
    return d;
  }

  async tokenEndpointFor(p: StoredProfile): Promise<{ url: string; discovery?: DiscoveryResult }> {
    const discovery = await this.discoveryFor(p).catch(() => undefined);
    const url = p.tokenEndpoint ?? discovery?.tokenEndpoint;
    if (!url)
      throw new AppFailure(
        'INVALID_INPUT',
        'No token endpoint: the profile has none and discovery did not find one.',
        'Enter the token endpoint in the profile, or a FHIR base URL / issuer whose discovery document lists it.',
      );
    return { url, ...(discovery ? { discovery } : {}) };
  }
}
