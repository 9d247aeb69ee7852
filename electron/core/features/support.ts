/**
 * What support sends back (issue 12 §2): HAR export, the case bundle, the run diff and the
 * runnable curl. The real values behind an exchange's marks are read from the recorder's
 * in-memory map only here, and only for the two explicit reveals (unredacted HAR, runnable curl).
 */
import { arch, platform, release } from 'node:os';
import {
  buildCaseBundle,
  bundleFileName,
  clockOffsetOf,
  type BundleToken,
  type CaseBundle,
} from '../../../shared/case-bundle.js';
import {
  APP_NAME,
  APP_VERSION,
  harFileName,
  placeholderName,
  revealExchange,
  toHar,
} from '../../../shared/har.js';
import { decodeForDisplay, looksLikeJwt } from '../../../shared/jwt-view.js';
import { toCurl } from '../../../shared/redact.js';
import { AppFailure } from '../../../shared/result.js';
import { diffSides, readDiffSide, type DiffInput } from '../../../shared/run-diff.js';
import type { DiffSide, HarExport, HttpExchange, RunDiff, RunView } from '../../../shared/types.js';
import type { Core } from '../core.js';
import { guard } from '../model.js';

const TOKEN_KINDS = ['client_assertion', 'access_token', 'id_token'] as const;

export class Support {
  constructor(private readonly c: Core) {}

  private run(runId: string): RunView {
    const run = this.c.runs.find(runId);
    if (!run)
      throw new AppFailure(
        'NOT_FOUND',
        `No run ${runId} in this session.`,
        'Pick a run from the timeline (listRuns); runs cleared from the timeline are gone.',
      );
    return run;
  }

  private exchangesOf(runIds?: string[]): HttpExchange[] {
    const all = this.c.http.exchanges;
    if (!runIds) return [...all];
    for (const id of runIds) this.run(id);
    const want = new Set(runIds);
    return all.filter((x) => x.runId !== undefined && want.has(x.runId));
  }

  /** The decoded header and claims of the JWTs the engine still holds for an exchange. */
  private tokensOf(ex: HttpExchange): BundleToken[] {
    const held = this.c.http.heldValues.get(ex.id);
    if (!held) return [];
    return TOKEN_KINDS.flatMap((kind): BundleToken[] => {
      const value = held.get(`{{${kind}}}`);
      if (!value || !looksLikeJwt(value)) return [];
      try {
        const d = decodeForDisplay(value);
        const mark = ex.marks?.[`{{${kind}}}`];
        return [
          {
            exchangeId: ex.id,
            kind,
            ...(mark ? { mark } : {}),
            header: d.header,
            claims: d.claims,
          },
        ];
      } catch {
        return [];
      }
    });
  }

  exportHar(input: { runIds?: string[]; redacted?: boolean }) {
    return guard(async (): Promise<HarExport> => {
      const exchanges = this.exchangesOf(input.runIds);
      const redacted = input.redacted !== false;
      const { har, holds, stillMasked } = toHar(exchanges, {
        redacted,
        held: (id) => this.c.http.heldValues.get(id),
        runs: this.c.runs.runs,
        decoded: (ex) => this.tokensOf(ex),
      });
      const first = input.runIds?.length === 1 ? this.c.runs.find(input.runIds[0]!) : undefined;
      return {
        text: `${JSON.stringify(har, null, 2)}\n`,
        entries: har.log.entries.length,
        redacted,
        holds,
        ...(!redacted && stillMasked ? { stillMasked } : {}),
        fileName: harFileName(new Date(this.c.ports.clock.now()), first?.flow),
      };
    });
  }

  /** The case bundle of a run, as an object (the CLI and the diff use it too). */
  async bundle(runId: string): Promise<CaseBundle> {
    const run = this.run(runId);
    const exchanges = this.exchangesOf([runId]);
    let profile: Record<string, unknown> | null = null;
    if (run.profileId) {
      const exported = await this.c.profiles.exportProfile(run.profileId);
      if (exported.ok) profile = JSON.parse(exported.value.json) as Record<string, unknown>;
    }
    // The findings, as the Inspector gives them for the run's HAR (with the values it still holds,
    // so the assertion is linted); the report it returns is masked.
    let findings: CaseBundle['findings'] = [];
    if (exchanges.length) {
      const { har } = toHar(exchanges, {
        redacted: false,
        held: (id) => this.c.http.heldValues.get(id),
      });
      const report = await this.c.assertions.inspect({
        items: [{ text: JSON.stringify(har), name: 'run' }],
      });
      if (report.ok) findings = report.value.findings;
    }
    return buildCaseBundle({
      createdAt: new Date(this.c.ports.clock.now()).toISOString(),
      app: { name: APP_NAME, version: APP_VERSION },
      os: `${platform()} ${release()} ${arch()}`,
      clockOffsetSec: clockOffsetOf(exchanges),
      run,
      profile,
      exchanges,
      tokens: exchanges.flatMap((x) => this.tokensOf(x)),
      findings,
    });
  }

  exportBundle(input: { runId: string }) {
    return guard(async () => {
      const b = await this.bundle(input.runId);
      return { text: `${JSON.stringify(b, null, 2)}\n`, fileName: bundleFileName(b) };
    });
  }

  private async side(s: DiffSide, which: string): Promise<DiffInput> {
    if ('runId' in s) {
      const b = await this.bundle(s.runId);
      return {
        name: `run ${s.runId} (${b.run.flow}${b.run.profileName ? `, ${b.run.profileName}` : ''})`,
        exchanges: b.exchanges as HttpExchange[],
        tokens: b.tokens,
      };
    }
    try {
      return readDiffSide(s.text, s.name ?? which);
    } catch (e) {
      throw new AppFailure(
        'INVALID_INPUT',
        (e as Error).message,
        'Give a HAR file (exported here or by a browser) or a case bundle.',
      );
    }
  }

  diffRuns(input: { a: DiffSide; b: DiffSide }) {
    return guard(async (): Promise<RunDiff> =>
      diffSides(await this.side(input.a, 'a'), await this.side(input.b, 'b')),
    );
  }

  runnableCurl(input: { exchangeId: string }) {
    return guard(async () => {
      const ex = this.c.http.exchanges.find((x) => x.id === input.exchangeId);
      if (!ex)
        throw new AppFailure(
          'NOT_FOUND',
          `No exchange ${input.exchangeId} in the timeline.`,
          'Pick an exchange from the timeline.',
        );
      // Only what the request carries (the answer's tokens are not in the command).
      const sent = JSON.stringify(ex.request);
      const placeholders = Object.keys(ex.marks ?? {}).filter((p) => sent.includes(p));
      const held = this.c.http.heldValues.get(ex.id);
      const missing = placeholders.filter((p) => !held?.has(p));
      if (missing.length)
        throw new AppFailure(
          'SECRET_UNAVAILABLE',
          `The real values of this exchange (${missing.map(placeholderName).join(', ')}) are no longer held: they are kept in memory only, for the exchanges of this session.`,
          'Send the request again (the step in the app or the CLI command), then copy its runnable curl; the masked curl of this exchange still shows its shape.',
        );
      const shown = revealExchange(ex, { redacted: false, held });
      return { curl: toCurl(shown.request), holds: placeholders.map(placeholderName).sort() };
    });
  }
}
