import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { findMarkers } from '../../../shared/redact.js';
import type { DebuggerBridge } from '../../../shared/api/contract.js';
import type { HttpExchange } from '../../../shared/types.js';
import { useApp } from '../store/index.js';
import { addBackendProfile, renderApp } from '../test-utils.js';
import {
  makeDataDir,
  must,
  readEngineFile,
  server,
  startEngine,
  writeEngineFile,
} from '../test/real-core.js';

const timeline = () => screen.getByRole('complementary', { name: 'Timeline' });
/** The exchange rows drawn (run headers are list items too; they have no expandable summary). */
const exchangeItems = () =>
  within(timeline())
    .getAllByRole('listitem')
    .filter((li) => li.querySelector('[aria-expanded]'));
const runHeaders = () =>
  within(timeline())
    .getAllByRole('listitem')
    .filter((li) => !li.querySelector('[aria-expanded]'));
/** Nothing listens on port 9 on the test machine: the connection is refused. */
const DEAD_FHIR_BASE = 'http://127.0.0.1:9/fhir';

describe('Timeline', () => {
  it('lists exchanges pushed through the event, expands them, copies as curl', async () => {
    const { user, core, api } = await renderApp();
    expect(api.on.mock.calls.filter(([event]) => event === 'exchanges')).toHaveLength(1);

    // Calls made past the page (as another window or the CLI would): only the event brings them.
    const refused = must(
      await core.saveProfile({
        name: 'unknown client',
        fhirBaseUrl: server().fhirBase,
        tokenEndpoint: server().tokenEndpoint,
        clientId: 'nobody-knows-me',
        scope: 'system/Patient.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'wrong-secret' },
      }),
    );
    const draft = must(await core.prepareTokenRequest({ profileId: refused.id }));
    expect(must(await core.sendTokenRequest({ draftId: draft.id })).status).toBe(401);
    await core.discover({ fhirBaseUrl: DEAD_FHIR_BASE });
    const held = must(await core.listExchanges());
    const token = held.find((x) => x.request.url === server().tokenEndpoint)!;
    const failed = held.find((x) => x.request.url.startsWith(DEAD_FHIR_BASE))!;
    expect(failed.error).toBeTruthy();

    await waitFor(() => expect(exchangeItems()).toHaveLength(held.length));
    const all = exchangeItems();
    const items = [token, failed].map((x) => all.find((li) => li.dataset.exchangeId === x.id)!);
    expect(items[0]!.textContent).toContain('POST');
    expect(items[0]!.textContent).toContain(server().tokenEndpoint);
    expect(items[0]!.textContent).toContain('401');
    expect(items[0]!.textContent).toContain(`${Math.round(token.durationMs)} ms`);
    expect(items[1]!.textContent).toContain(failed.error!.code);

    const summary = within(items[0]!).getByRole('button', { expanded: false });
    await user.click(summary);
    expect(summary.getAttribute('aria-expanded')).toBe('true');
    const raw = items[0]!.textContent!;
    expect(raw).toContain(`POST ${server().tokenEndpoint}`);
    expect(raw).toContain('content-type: application/x-www-form-urlencoded');
    expect(raw).toContain('HTTP 401 Unauthorized');
    expect(raw).toContain('"error":"invalid_client"');
    // The secret never reaches the page, not even in the raw request.
    expect(raw).not.toContain('wrong-secret');

    await user.click(within(items[0]!).getByRole('button', { name: 'Copy as curl' }));
    expect(await navigator.clipboard.readText()).toBe(token.curl);
    expect(within(items[0]!).getByText('Copied')).toBeTruthy();

    await user.click(within(items[0]!).getByRole('button', { name: 'Copy request and response' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toContain('grant_type=client_credentials');
    expect(copied).toContain('HTTP 401 Unauthorized');
  });

  it('loads existing exchanges at start and clears them', async () => {
    const { user, core, calls } = await renderApp({
      setup: async ({ core }) => void (await core.discover({ fhirBaseUrl: DEAD_FHIR_BASE })),
    });
    const held = must(await core.listExchanges());
    expect(held.length).toBeGreaterThan(0);
    expect(exchangeItems()).toHaveLength(held.length);
    await user.click(within(timeline()).getByRole('button', { name: 'Clear' }));
    // Clear asks first, in the page; keeping them changes nothing.
    const ask = within(timeline()).getByRole('group', { name: 'Clear the timeline' });
    expect(ask.textContent).toMatch(new RegExp(`Clear all ${held.length} exchanges? from`));
    await user.click(within(ask).getByRole('button', { name: 'Keep them' }));
    expect(calls('clearExchanges')).toHaveLength(0);
    expect(exchangeItems()).toHaveLength(held.length);

    await user.click(within(timeline()).getByRole('button', { name: 'Clear' }));
    await user.click(within(timeline()).getByRole('button', { name: 'Clear timeline' }));
    expect(calls('clearExchanges')).toHaveLength(1);
    expect(timeline().textContent).toContain('No exchanges yet');
    expect(must(await core.listExchanges())).toEqual([]);

    // Undo brings them back, in the engine and the page.
    expect(
      within(timeline()).getByText(new RegExp(`^Cleared ${held.length} exchanges?\\.`)),
    ).toBeTruthy();
    await user.click(within(timeline()).getByRole('button', { name: 'Undo' }));
    expect(calls('restoreExchanges')).toHaveLength(1);
    expect(must(await core.listExchanges())).toEqual(held);
    await waitFor(() => expect(exchangeItems()).toHaveLength(held.length));
    expect(within(timeline()).queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('records the exchanges of a step run', async () => {
    const { user } = await renderApp({ step: 'discovery' });
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    const items = exchangeItems();
    const smart = items.find((li) => li.textContent?.includes('/.well-known/smart-configuration'));
    expect(smart?.textContent).toContain(`${server().fhirBase}/.well-known/smart-configuration`);
    expect(smart?.textContent).toContain('200');
  });

  it('shows hidden characters in headers and bodies as markers, and copies the exact text', async () => {
    const { user } = await renderApp();
    const body = '{"error":"invalid_client","error_description":"see invoice\u202Egpj.exe"}';
    useApp.setState({
      exchanges: [
        {
          id: 'x1',
          step: 'token',
          startedAt: new Date(0).toISOString(),
          durationMs: 12,
          request: { method: 'POST', url: 'https://auth.example/token', headers: [] },
          response: {
            status: 401,
            statusText: 'Unauthorized',
            headers: [['x-note', 'a\u200Bb']],
            body,
            bodyBytes: body.length,
            truncated: false,
          },
          curl: 'curl https://auth.example/token',
        },
      ],
    });
    await waitFor(() => expect(exchangeItems()).toHaveLength(1));
    const item = exchangeItems()[0]!;
    await user.click(within(item).getByRole('button', { expanded: false }));
    const response = within(item).getByRole('group', { name: 'Response' });
    expect(response.textContent).toContain('x-note: a⟨U+200B⟩b');
    expect(response.textContent).toContain('see invoice⟨U+202E⟩gpj.exe');
    expect(response.textContent).not.toContain('\u202E');
    expect(within(response).getByLabelText('RIGHT-TO-LEFT OVERRIDE (U+202E)')).toBeTruthy();
    const copy = within(item).getByRole('button', { name: 'Copy request and response' });
    expect(copy.getAttribute('title')).toMatch(/invisible characters included/);
    await user.click(copy);
    expect(await navigator.clipboard.readText()).toContain(body);
  });

  it('groups the exchanges by run, with the run outcome, and filters them', async () => {
    const { user, core } = await renderApp({ setup: goodAndBadRuns });
    const held = must(await core.listExchanges());
    const headers = runHeaders();
    expect(headers).toHaveLength(2);
    expect(within(headers[0]!).getByRole('heading').textContent).toContain('Example EHR sandbox');
    expect(headers[0]!.textContent).toContain('tokens');
    expect(within(headers[1]!).getByRole('heading').textContent).toContain('Unknown client');
    expect(headers[1]!.textContent).toContain('refused');
    const firstRun = held.filter((x) => x.runId === held[0]!.runId);
    expect(headers[0]!.textContent).toContain(`${firstRun.length} exchanges`);
    expect(exchangeItems()).toHaveLength(held.length);

    const filters = within(timeline()).getByRole('search', { name: 'Filter the timeline' });
    await user.selectOptions(within(filters).getByLabelText('Status'), '4xx');
    const refused = held.filter((x) => (x.response?.status ?? 0) >= 400);
    expect(exchangeItems()).toHaveLength(refused.length);
    expect(runHeaders()).toHaveLength(1);
    expect(timeline().textContent).toContain(`${refused.length} of ${held.length} exchanges`);

    await user.selectOptions(within(filters).getByLabelText('Status'), '');
    await user.selectOptions(within(filters).getByLabelText('Profile'), 'Example EHR sandbox');
    expect(exchangeItems()).toHaveLength(firstRun.length);
    await user.selectOptions(within(filters).getByLabelText('Profile'), '');

    await user.selectOptions(within(filters).getByLabelText('Endpoint'), 'Token request');
    expect(exchangeItems()).toHaveLength(2);
    await user.selectOptions(within(filters).getByLabelText('Endpoint'), '');

    await user.type(within(filters).getByLabelText('Text'), 'invalid_client');
    expect(exchangeItems()).toHaveLength(1);
    expect(exchangeItems()[0]!.textContent).toContain('401');
    await user.type(within(filters).getByLabelText('Text'), '-nothing-like-it');
    expect(within(timeline()).getByText(/No exchange matches the filter/)).toBeTruthy();
    await user.click(within(timeline()).getByRole('button', { name: 'Show all' }));
    expect(exchangeItems()).toHaveLength(held.length);
  });

  it('labels the browser hops of an authorization as such', async () => {
    const { user } = await renderApp();
    useApp.setState({
      exchanges: [
        exchange({ id: 'f1', step: 'Authorize (browser)', channel: 'front', status: 302 }),
        exchange({ id: 'f2', step: 'Callback (loopback)', channel: 'front', status: 200 }),
        exchange({ id: 'b1', step: 'Token request', status: 200 }),
      ],
    });
    await waitFor(() => expect(exchangeItems()).toHaveLength(3));
    const [a, c, t] = exchangeItems();
    expect(a!.textContent).toContain('browser hop');
    expect(c!.textContent).toContain('browser hop');
    expect(t!.textContent).not.toContain('browser hop');

    // The hop the app never sees an answer to is not "pending", and has no duration to tell.
    act(() =>
      useApp.setState({
        exchanges: [
          exchange({
            id: 'f3',
            step: 'Authorize (browser)',
            channel: 'front',
            status: 0,
            noResponse: true,
          }),
        ],
      }),
    );
    await waitFor(() => expect(exchangeItems()).toHaveLength(1));
    const hop = exchangeItems()[0]!;
    expect(hop.textContent).toContain('browser hop');
    expect(hop.textContent).not.toMatch(/pending|\d+ ms/);
    await user.click(within(hop).getByRole('button', { expanded: false }));
    expect(hop.textContent).toContain(
      'the browser made this request, so the app saw only its address',
    );
  });

  it('exports a redacted HAR of the runs shown (markers, not values); unredacted asks first', async () => {
    const files = captureDownloads();
    const { user, core } = await renderApp({ setup: goodAndBadRuns });
    const assertion = must(await core.revealSecret({ kind: 'client_assertion' })).value;
    const access = must(await core.revealSecret({ kind: 'access_token' })).value;

    await user.click(within(timeline()).getByRole('button', { name: 'Export HAR…' }));
    const panel = within(timeline()).getByRole('region', { name: 'Export HAR' });
    await user.click(within(panel).getByRole('button', { name: 'Export HAR' }));
    await waitFor(() => expect(files).toHaveLength(1));
    const har = files[0]!;
    expect(har.name).toMatch(/\.har$/);
    const parsed = JSON.parse(har.text) as { log: { version: string; entries: unknown[] } };
    expect(parsed.log.version).toBe('1.2');
    expect(parsed.log.entries.length).toBe(must(await core.listExchanges()).length);
    expect(har.text).not.toContain(assertion);
    expect(har.text).not.toContain(access);
    expect(findMarkers(har.text).length).toBeGreaterThan(0);
    expect(within(panel).getByText(/redacted\) in your downloads/)).toBeTruthy();

    // With a filter on, "the runs shown" is the choice: only the refused run.
    const filters = within(timeline()).getByRole('search', { name: 'Filter the timeline' });
    await user.selectOptions(within(filters).getByLabelText('Profile'), 'Unknown client');
    await user.click(within(panel).getByRole('radio', { name: /The runs shown \(1\)/ }));
    await user.click(within(panel).getByRole('button', { name: 'Export HAR' }));
    await waitFor(() => expect(files).toHaveLength(2));
    const shown = JSON.parse(files[1]!.text) as { log: { entries: unknown[] } };
    const goodId = must(await core.listProfiles()).find(
      (p) => p.name === 'Example EHR sandbox',
    )!.id;
    const refusedRun = must(await core.listExchanges()).filter((x) => x.profileId !== goodId);
    expect(shown.log.entries).toHaveLength(refusedRun.length);

    // Unredacted: a confirmation that names what the file will hold, then the real values.
    await user.click(within(panel).getByRole('radio', { name: /The whole timeline/ }));
    await user.click(within(panel).getByRole('checkbox', { name: /Unredacted/ }));
    await user.click(within(panel).getByRole('button', { name: 'Export unredacted HAR…' }));
    expect(files).toHaveLength(2);
    const ask = within(panel).getByRole('group', { name: 'Export an unredacted HAR' });
    expect(ask.textContent).toContain('client_assertion');
    expect(ask.textContent).toContain('access_token');
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(files).toHaveLength(2);
    await user.click(within(panel).getByRole('button', { name: 'Export unredacted HAR…' }));
    await user.click(within(panel).getByRole('button', { name: 'Export unredacted HAR' }));
    await waitFor(() => expect(files).toHaveLength(3));
    expect(files[2]!.text).toContain(assertion);
    expect(within(panel).getByText(/unredacted: holds .*client_assertion/)).toBeTruthy();
  });

  it('exports the case bundle of a run', async () => {
    const files = captureDownloads();
    const { user, core } = await renderApp({ setup: goodAndBadRuns });
    const assertion = must(await core.revealSecret({ kind: 'client_assertion' })).value;
    const [good] = runHeaders();
    await user.click(within(good!).getByRole('button', { name: /Export case bundle/ }));
    await waitFor(() => expect(files).toHaveLength(1));
    const bundle = JSON.parse(files[0]!.text) as Record<string, unknown>;
    const runs = must(await core.listRuns());
    expect(JSON.stringify(bundle)).toContain(runs[0]!.id);
    expect(files[0]!.text).not.toContain(assertion);
  });

  it('copies a runnable curl only after the reveal is confirmed, and says when values are gone', async () => {
    const { user, core } = await renderApp({ setup: goodAndBadRuns });
    const held = must(await core.listExchanges());
    const token = held.find((x) => x.step === 'Token request' && x.response?.status === 200)!;
    const assertion = must(await core.revealSecret({ kind: 'client_assertion' })).value;
    const item = () => exchangeItems().find((li) => li.dataset.exchangeId === token.id)!;
    await user.click(within(item()).getByRole('button', { expanded: false }));

    await user.click(within(item()).getByRole('button', { name: 'Copy runnable curl…' }));
    const ask = within(item()).getByRole('group', { name: 'Copy runnable curl' });
    expect(ask.textContent).toContain('client_assertion');
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    await user.click(within(item()).getByRole('button', { name: 'Copy as curl' }));
    expect(await navigator.clipboard.readText()).toBe(token.curl);

    await user.click(within(item()).getByRole('button', { name: 'Copy runnable curl…' }));
    await user.click(within(item()).getByRole('button', { name: 'Reveal and copy' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toMatch(/^curl /);
    expect(copied).not.toContain('{{client_assertion}}');
    // The real assertion of this very exchange: its length and hash are the exchange's mark.
    const real = /client_assertion=([\w.-]+)/.exec(copied)?.[1] ?? '';
    const mark = token.marks!['{{client_assertion}}']!;
    expect(real.length).toBe(mark.length);
    expect(await sha256Hex8(real)).toBe(mark.sha256);
    // The bad run signed the last assertion: this one is another.
    expect(real).not.toBe(assertion);
    expect(
      within(item()).getByText(/Copied a runnable curl holding .*client_assertion/),
    ).toBeTruthy();

    // After a clear and its undo, the exchanges are back but their real values are not.
    await user.click(within(timeline()).getByRole('button', { name: 'Clear' }));
    await user.click(within(timeline()).getByRole('button', { name: 'Clear timeline' }));
    await user.click(within(timeline()).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(exchangeItems()).toHaveLength(held.length));
    await user.click(within(item()).getByRole('button', { name: 'Copy runnable curl…' }));
    await user.click(within(item()).getByRole('button', { name: 'Reveal and copy' }));
    const alert = within(item()).getByRole('alert');
    expect(alert.textContent).toContain('SECRET_UNAVAILABLE');
    expect(alert.textContent).toContain('no longer held');
  });

  it('compares two runs in a table, and says when there is no difference', async () => {
    const { user, core } = await renderApp({ setup: goodAndBadRuns });
    await user.click(within(timeline()).getByRole('button', { name: 'Compare runs' }));
    const panel = within(timeline()).getByRole('region', { name: 'Compare runs' });
    const runs = must(await core.listRuns());
    expect((within(panel).getByLabelText('Run A') as HTMLSelectElement).value).toBe(runs[0]!.id);
    expect((within(panel).getByLabelText('Run B') as HTMLSelectElement).value).toBe(runs[1]!.id);
    await user.click(within(panel).getByRole('button', { name: 'Compare' }));
    const table = within(panel).getByRole('table');
    const heads = within(table)
      .getAllByRole('columnheader')
      .map((th) => th.textContent);
    expect(heads).toEqual(['Where', 'Field', 'A', 'B']);
    const expected = must(
      await core.diffRuns({ a: { runId: runs[0]!.id }, b: { runId: runs[1]!.id } }),
    );
    expect(expected.differences.length).toBeGreaterThan(0);
    expect(within(table).getAllByRole('row')).toHaveLength(expected.differences.length + 1);
    const status = expected.differences.find((d) => d.a === '200' && d.b === '401');
    if (status) expect(table.textContent).toContain(status.field);
    expect(table.textContent).toContain(expected.differences[0]!.field);

    // The same run on both sides cannot be asked; two identical HARs have no difference.
    await user.selectOptions(within(panel).getByLabelText('Run B'), runs[0]!.id);
    expect(within(panel).getByRole('button', { name: 'Compare' }).hasAttribute('disabled')).toBe(
      true,
    );
    const har = must(await core.exportHar({ runIds: [runs[0]!.id] })).text;
    await act(() => useApp.getState().diffRuns({ text: har }, { text: har }));
    expect(within(panel).getByText(/No differences/)).toBeTruthy();
  });

  it('shows the saved runs of the previous session after a restart', async () => {
    const dir = await makeDataDir();
    const first = await startEngine({ dataDir: dir });
    await addBackendProfile(first.bridge);
    await goodAndBadRuns({ core: first.bridge });
    const held = must(await first.bridge.listExchanges());
    // The engine saves behind the calls: wait for the file to hold them all.
    await waitFor(async () => {
      const saved = JSON.parse(await readEngineFile(`${dir}/timeline.json`)) as {
        exchanges: unknown[];
      };
      expect(saved.exchanges).toHaveLength(held.length);
    });
    await first.stop();

    await renderApp({ engine: { dataDir: dir }, profiles: [] });
    await waitFor(() => expect(runHeaders()).toHaveLength(2));
    expect(exchangeItems()).toHaveLength(held.length);
    const [good, bad] = runHeaders();
    expect(good!.textContent).toContain('Example EHR sandbox');
    expect(good!.textContent).toContain('tokens');
    expect(bad!.textContent).toContain('Unknown client');
    expect(bad!.textContent).toContain('refused');
  });

  it('lists a saved timeline larger than a page, page by page, to its last exchange', async () => {
    const dir = await makeDataDir();
    const saved = Array.from({ length: 1_234 }, (_, i) =>
      exchange({ id: `s${i}`, step: 'Token request', status: 200, runId: `run-${i % 3}` }),
    );
    await writeEngineFile(
      `${dir}/timeline.json`,
      JSON.stringify({
        format: 'oauth-flow-debugger-timeline',
        version: 1,
        exchanges: saved,
        runs: [0, 1, 2].map((i) => ({
          id: `run-${i}`,
          flow: 'backend-services',
          startedAt: '2026-12-01T00:00:00.000Z',
        })),
        dropped: { runs: 0, exchanges: 0 },
      }),
    );
    const { calls } = await renderApp({ engine: { dataDir: dir }, profiles: [] });
    await waitFor(() => expect(useApp.getState().exchanges).toHaveLength(1_234));
    expect(useApp.getState().exchanges.at(-1)!.id).toBe('s1233');
    expect(useApp.getState().loadingExchanges).toBe(false);
    expect(useApp.getState().exchangesListed).toBeNull();
    // A first page of 500 (drawn at once), then the rest from its last exchange.
    expect(calls('listExchangesPage')).toEqual([
      [{ limit: 500 }],
      [{ after: 's499', limit: 5000 }],
    ]);
    expect(within(timeline()).getByText('1234 exchanges')).toBeTruthy();
    expect(exchangeItems()[0]!.getAttribute('aria-setsize')).toBe(String(1_234 + 3));
  });

  it('says how far a long listing has come; a page that fails keeps what was drawn, and says why', async () => {
    const dir = await makeDataDir();
    await writeEngineFile(
      `${dir}/timeline.json`,
      JSON.stringify({
        format: 'oauth-flow-debugger-timeline',
        version: 1,
        exchanges: Array.from({ length: 1_234 }, (_, i) =>
          exchange({ id: `s${i}`, step: 'Token request', status: 200, runId: 'run-0' }),
        ),
        runs: [{ id: 'run-0', flow: 'backend-services', startedAt: '2026-12-01T00:00:00.000Z' }],
        dropped: { runs: 0, exchanges: 0 },
      }),
    );
    const { api } = await renderApp({ engine: { dataDir: dir }, profiles: [] });
    expect(useApp.getState().exchanges).toHaveLength(1_234);
    // Listed again (as after a reconnect), the page after the first held until the test fails it.
    let fail!: () => void;
    const real = api.listExchangesPage.getMockImplementation()!;
    api.listExchangesPage.mockImplementation((input) =>
      input.after
        ? new Promise((done) => {
            fail = () =>
              done({
                ok: false,
                error: { code: 'INTERNAL', message: 'The engine went away.', fix: 'Reload.' },
              });
          })
        : real(input),
    );
    let listing!: Promise<void>;
    act(() => {
      listing = useApp.getState().loadExchanges();
    });
    await waitFor(() =>
      expect(
        within(timeline()).getByText('Listing the saved exchanges: 500 of 1234…'),
      ).toBeTruthy(),
    );
    expect(useApp.getState().exchanges).toHaveLength(500);
    await act(async () => {
      fail();
      await listing;
    });
    expect(useApp.getState().loadingExchanges).toBe(false);
    expect(useApp.getState().exchanges).toHaveLength(500);
    expect(timeline().querySelector('.timeline-header [aria-live]')!.textContent).toBe(
      '500 exchanges',
    );
    expect(within(timeline()).getByRole('alert').textContent).toContain('The engine went away.');
  });

  it('draws a push of thousands in a task of its own, and applies the pushes after it in order', async () => {
    await renderApp({ profiles: [] });
    expect(useApp.getState().exchanges).toHaveLength(0);
    const many = Array.from({ length: 1_500 }, (_, i) =>
      exchange({ id: `u${i}`, step: 'Token request', status: 200, runId: 'run-undo' }),
    );
    const one = exchange({
      id: 'after-undo',
      step: 'Token request',
      status: 401,
      runId: 'run-next',
    });
    act(() => {
      useApp.getState().applyExchangesPushed({ total: 1_500, all: many });
      useApp.getState().applyExchangesPushed({ total: 1_501, after: 'u1499', appended: [one] });
      // Neither is drawn in the task that received them.
      expect(useApp.getState().exchanges).toHaveLength(0);
    });
    await waitFor(() => expect(useApp.getState().exchanges).toHaveLength(1_501));
    expect(useApp.getState().exchanges.at(-1)!.id).toBe('after-undo');
    expect(useApp.getState().loadingExchanges).toBe(false);
  });

  it('opens, shows and focuses an exchange picked elsewhere (the sequence diagram), filters off', async () => {
    const { user, core } = await renderApp({ setup: goodAndBadRuns });
    const held = must(await core.listExchanges());
    const refused = held.find((x) => x.response?.status === 401)!;
    const filters = within(timeline()).getByRole('search', { name: 'Filter the timeline' });
    await user.selectOptions(within(filters).getByLabelText('Status'), 'ok');
    expect(exchangeItems().some((li) => li.dataset.exchangeId === refused.id)).toBe(false);

    act(() => useApp.getState().focusExchange(refused.id));
    await waitFor(() =>
      expect(exchangeItems().some((li) => li.dataset.exchangeId === refused.id)).toBe(true),
    );
    const item = exchangeItems().find((li) => li.dataset.exchangeId === refused.id)!;
    const summary = within(item).getByRole('button', { expanded: true });
    await waitFor(() => expect(document.activeElement).toBe(summary));
    expect(item.textContent).toContain('HTTP 401');
    expect((within(filters).getByLabelText('Status') as HTMLSelectElement).value).toBe('');
  });

  it('draws only the rows in view of a 10,000-exchange timeline, and the later ones on scroll', async () => {
    await renderApp();
    const steps = ['Discovery', 'Token request', 'Resource request', 'Userinfo'];
    const many = Array.from({ length: 10_000 }, (_, i) =>
      exchange({
        id: `m${i}`,
        step: steps[i % 4]!,
        status: 200,
        runId: `run-${Math.floor(i / 50)}`,
      }),
    );
    act(() => useApp.setState({ exchanges: many, runs: [] }));
    const drawn = exchangeItems();
    expect(drawn.length).toBeGreaterThan(5);
    expect(drawn.length).toBeLessThan(100);
    expect(drawn[0]!.dataset.exchangeId).toBe('m0');
    const list = within(timeline()).getByRole('list', { name: 'HTTP exchanges' });
    expect(drawn[0]!.getAttribute('aria-setsize')).toBe(String(10_000 + 200));
    expect(parseFloat(list.style.paddingBottom)).toBeGreaterThan(100_000);

    // Scrolled far down: the rows there are drawn, the first ones no longer.
    const aside = timeline();
    aside.scrollTop = 300_000;
    fireEvent.scroll(aside);
    await waitFor(() => expect(exchangeItems()[0]!.dataset.exchangeId).not.toBe('m0'));
    const later = exchangeItems();
    expect(later.length).toBeLessThan(100);
    const first = Number(later[0]!.dataset.exchangeId!.slice(1));
    expect(first).toBeGreaterThan(4000);
  });
});

async function sha256Hex8(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 8);
}

/** A backend-services run that gets tokens and one the server refuses (an unknown client). */
async function goodAndBadRuns({ core }: { core: DebuggerBridge }) {
  const good = must(await core.listProfiles()).find((p) => p.name === 'Example EHR sandbox')!;
  const ok = must(await core.prepareTokenRequest({ profileId: good.id }));
  expect(must(await core.sendTokenRequest({ draftId: ok.id })).status).toBe(200);
  const { profile: bad } = await addBackendProfile(core, { name: 'Unknown client' });
  must(await core.saveProfile({ ...bad, clientId: 'nobody-knows-me' } as never));
  const refused = must(await core.prepareTokenRequest({ profileId: bad.id }));
  expect(must(await core.sendTokenRequest({ draftId: refused.id })).status).toBe(401);
}

function exchange(o: {
  id: string;
  step: string;
  status: number;
  channel?: 'front';
  runId?: string;
  /** As the engine records the browser's own hops: no response the app could see. */
  noResponse?: boolean;
}): HttpExchange {
  const x: HttpExchange = {
    id: o.id,
    step: o.step,
    ...(o.channel ? { channel: o.channel } : {}),
    ...(o.runId ? { runId: o.runId, profileId: 'p-many' } : {}),
    startedAt: new Date(0).toISOString(),
    durationMs: 3,
    request: { method: 'GET', url: `https://auth.example/${o.id}`, headers: [] },
    response: {
      status: o.status,
      statusText: '',
      headers: [],
      body: '',
      bodyBytes: 0,
      truncated: false,
    },
    curl: `curl https://auth.example/${o.id}`,
  };
  if (o.noResponse) delete x.response;
  return x;
}

/** The files the page saves (as downloads), read back from their blobs. */
function captureDownloads(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  const blobs = new Map<string, Blob>();
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:test-${blobs.size}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    const blob = blobs.get(this.href);
    const name = this.download;
    if (!blob) return;
    const reader = new FileReader();
    reader.onload = () => files.push({ name, text: String(reader.result) });
    reader.readAsText(blob);
  });
  return files;
}
