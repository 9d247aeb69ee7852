import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import { flowReaching, renderApp, renderAuthApp, settled } from '../test-utils.js';
import { followRedirect, must, server, signInAtServer } from '../test/real-core.js';

const diagram = () => screen.getByRole('region', { name: 'Sequence diagram' });
const arrows = () =>
  within(diagram()).queryAllByRole('button', { name: /Opens it in the Timeline/ });
const hopList = () => within(diagram()).getByRole('list', { name: 'Hops of the run' });

/** The exchanges of the latest run, as the engine recorded them. */
function latestRun() {
  const xs = useApp.getState().exchanges;
  const runId = xs.at(-1)?.runId;
  return xs.filter((x) => x.runId === runId);
}

let open: MockInstance<typeof window.open>;
beforeEach(() => {
  open = vi.spyOn(window, 'open').mockReturnValue(null);
});
afterEach(() => {
  open.mockRestore();
});

describe('Sequence diagram', () => {
  it('is folded beside the Timeline and says what to do before any run', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    expect(screen.queryByRole('region', { name: 'Sequence diagram' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Sequence diagram' }));
    expect(diagram().textContent).toContain('No run yet');
    expect(arrows()).toHaveLength(0);
  });

  it('draws a backend-services run: one arrow per exchange, failed hops marked, arrows open the exchange', async () => {
    const { user, core, backend } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Sequence diagram' }));
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await screen.findByLabelText('Token response');
    await settled();

    let run = latestRun();
    expect(run.map((x) => x.step)).toContain('Token request');
    expect(arrows()).toHaveLength(run.length);
    const token = run.findIndex((x) => x.step === 'Token request');
    const path = new URL(server().tokenEndpoint).pathname;
    const tokenArrow = arrows()[token]!;
    expect(tokenArrow.getAttribute('aria-label')).toBe(
      `${token + 1}. Token request: App (this debugger) to Authorization server, POST ${path}; answered 200 OK. Opens it in the Timeline.`,
    );
    expect(tokenArrow.textContent).toContain(`POST ${path}`);
    expect(tokenArrow.textContent).toContain('200 OK');
    expect(within(hopList()).getAllByRole('listitem')).toHaveLength(run.length);
    expect(diagram().textContent).not.toContain('failed');

    // Clicking the arrow (and Enter on it) opens that exchange in the Timeline.
    await user.click(tokenArrow);
    expect(useApp.getState().focusedExchange?.id).toBe(run[token]!.id);
    expect(tokenArrow.getAttribute('aria-pressed')).toBe('true');
    const first = arrows()[0]!;
    first.focus();
    await user.keyboard('{Enter}');
    expect(useApp.getState().focusedExchange?.id).toBe(run[0]!.id);

    // A second attempt, signed with a key the server was never given: refused, and marked.
    const other = must(await core.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
    const p = toProfileInput(backend!);
    must(
      await core.saveProfile({
        ...p,
        auth: { ...p.auth, keyId: other.id, kid: other.kid, alg: 'ES384' },
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await within(screen.getByRole('region', { name: 'Token request' })).findByRole('list', {
      name: 'Findings',
    });
    await settled();

    run = latestRun();
    await waitFor(() => expect(arrows()).toHaveLength(run.length));
    const refused = arrows()[run.findIndex((x) => x.step === 'Token request')]!;
    // Marked in words and shape, not colour alone: ✕ and the status, and the hop's class.
    expect(refused.textContent).toContain('✕ 401');
    expect(refused.getAttribute('aria-label')).toContain('failed: HTTP 401');
    expect(refused.getAttribute('class')).toContain('seq-hop-failed');
    expect(diagram().textContent).toContain('✕ 1 failed');

    // Two runs now: the picker shows the latest, and can go back to the first.
    const picker = within(diagram()).getByLabelText('Run') as HTMLSelectElement;
    expect(picker.options).toHaveLength(2);
    expect(picker.selectedIndex).toBe(1);
    await user.selectOptions(picker, picker.options[0]!.value);
    expect(within(diagram()).queryByText(/✕ 401/)).toBeNull();
    expect(diagram().textContent).not.toContain('failed');
  });

  it('draws a code flow with its front channel: browser to server, the callback to the app', async () => {
    const { user } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Sequence diagram' }));
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;
    await followRedirect(await signInAtServer(flow.url, flow.redirectUri));
    await flowReaching('done');
    await settled();

    const run = latestRun();
    await waitFor(() => expect(arrows()).toHaveLength(run.length));
    const labels = arrows().map((a) => a.getAttribute('aria-label')!);
    const at = (step: RegExp) => labels[run.findIndex((x) => step.test(x.step))]!;
    expect(at(/^Authorize \(browser\)$/)).toContain('Browser to Authorization server, GET');
    expect(at(/^Callback/)).toContain('Browser to App (this debugger), GET /callback?');
    expect(at(/^Token request$/)).toContain('App (this debugger) to Authorization server, POST');
    expect(at(/^Token request$/)).toContain('answered 200 OK');
    // The browser's lifeline is drawn for this run.
    expect(diagram().textContent).toMatch(/Browser/);
    expect(diagram().textContent).not.toContain('failed');
  });

  it('exports the drawing as a standalone SVG', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Sequence diagram' }));
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await settled();
    const made: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      made.push(b as Blob);
      return 'blob:diagram';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    // The download itself: jsdom cannot navigate, so the link's click is only recorded.
    const names: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    try {
      await act(async () => {
        within(diagram()).getByRole('button', { name: 'Export SVG' }).click();
      });
      // jsdom's Blob has no text(); FileReader reads it the same way.
      const svg = await new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.readAsText(made[0]!);
      });
      expect(made[0]!.type).toBe('image/svg+xml');
      expect(svg).toContain('<svg');
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toContain('Authorization server');
      expect(svg).toContain('200 OK');
      expect(svg).not.toContain('tabindex');
      expect(names).toEqual([expect.stringMatching(/^sequence-.+\.svg$/)]);
    } finally {
      click.mockRestore();
      create.mockRestore();
      revoke.mockRestore();
    }
  });
});
