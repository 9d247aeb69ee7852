import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../../shared/types.js';
import { renderApp } from '../test-utils.js';

const exchange: HttpExchange = {
  id: 'ex-1',
  step: 'token',
  startedAt: '2025-01-15T10:00:00.000Z',
  durationMs: 231.4,
  request: {
    method: 'POST',
    url: 'https://as.example/token',
    headers: [['content-type', 'application/x-www-form-urlencoded']],
    body: 'grant_type=client_credentials&client_assertion={{client_assertion}}',
  },
  response: {
    status: 401,
    statusText: 'Unauthorized',
    headers: [['content-type', 'application/json']],
    body: '{"error":"invalid_client"}',
    bodyBytes: 26,
    truncated: false,
  },
  curl: "curl -X POST 'https://as.example/token' --data 'grant_type=client_credentials'",
};

const failed: HttpExchange = {
  id: 'ex-2',
  step: 'discovery',
  startedAt: '2025-01-15T10:00:01.000Z',
  durationMs: 5000,
  request: {
    method: 'GET',
    url: 'https://down.example/.well-known/smart-configuration',
    headers: [],
  },
  error: { code: 'TIMEOUT', message: 'No answer in 5 s' },
  curl: "curl 'https://down.example/.well-known/smart-configuration'",
};

const timeline = () => screen.getByRole('complementary', { name: 'Timeline' });

describe('Timeline', () => {
  it('lists exchanges pushed through the event, expands them, copies as curl', async () => {
    const { user, fake } = await renderApp();
    expect(fake.listenerCount('exchanges')).toBe(1);
    act(() => fake.emit('exchanges', [exchange, failed]));

    const items = within(timeline()).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('POST');
    expect(items[0]!.textContent).toContain('https://as.example/token');
    expect(items[0]!.textContent).toContain('401');
    expect(items[0]!.textContent).toContain('231 ms');
    expect(items[1]!.textContent).toContain('TIMEOUT');

    const summary = within(items[0]!).getByRole('button', { expanded: false });
    await user.click(summary);
    expect(summary.getAttribute('aria-expanded')).toBe('true');
    const raw = items[0]!.textContent!;
    expect(raw).toContain('POST https://as.example/token');
    expect(raw).toContain('content-type: application/x-www-form-urlencoded');
    expect(raw).toContain('HTTP 401 Unauthorized');
    expect(raw).toContain('{"error":"invalid_client"}');

    await user.click(within(items[0]!).getByRole('button', { name: 'Copy as curl' }));
    expect(await navigator.clipboard.readText()).toBe(exchange.curl);
    expect(within(items[0]!).getByText('Copied')).toBeTruthy();

    await user.click(within(items[0]!).getByRole('button', { name: 'Copy request and response' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toContain('grant_type=client_credentials');
    expect(copied).toContain('HTTP 401 Unauthorized');
  });

  it('loads existing exchanges at start and clears them', async () => {
    const { user, fake } = await renderApp({
      setup: (f) => {
        f.state.exchanges.push(exchange);
      },
    });
    expect(within(timeline()).getAllByRole('listitem')).toHaveLength(1);
    await user.click(within(timeline()).getByRole('button', { name: 'Clear' }));
    expect(fake.callsOf('clearExchanges')).toHaveLength(1);
    expect(timeline().textContent).toContain('No exchanges yet');
  });

  it('records the exchanges of a step run', async () => {
    const { user } = await renderApp({ step: 'discovery' });
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    const item = within(timeline()).getByRole('listitem');
    expect(item.textContent).toContain('/.well-known/smart-configuration');
    expect(item.textContent).toContain('200');
  });
});
