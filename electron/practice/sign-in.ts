import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

/** A sign-in the server accepts: the practice server's documented demo user. */
export interface PracticeUser {
  login: string;
  password: string;
}

/** The interaction pages' path (oidc-provider's `interactions.url`). */
export const INTERACTION_PATH = /^\/interaction\/([\w-]+)(\/abort)?$/;

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(res: ServerResponse, status: number, title: string, body: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // form-action also governs where the form's redirects may go (Chrome): the consent ends at
    // the client's redirect_uri, on loopback (RFC 8252), https or the app's own scheme.
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:* https: oauth-flow-debugger:",
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>` +
      '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}' +
      'label{display:block;margin:.75rem 0 .25rem}input{font-size:1rem;padding:.3rem;width:100%}' +
      'button{margin-top:1rem;font-size:1rem;padding:.4rem 1rem}.error{color:#b00020}</style>' +
      `</head><body><h1>${escape(title)}</h1>${body}</body></html>`,
  );
}

function loginPage(
  res: ServerResponse,
  uid: string,
  users: PracticeUser[],
  opts: { status?: number; error?: string; login?: string } = {},
) {
  const hint = users[0]
    ? `<p>Practice server: sign in as <strong>${escape(users[0].login)}</strong> with the password <strong>${escape(users[0].password)}</strong> (documented in the README).</p>`
    : '';
  page(
    res,
    opts.status ?? 200,
    'Sign in',
    `${hint}${opts.error ? `<p class="error" role="alert">${escape(opts.error)}</p>` : ''}` +
      `<form method="post" action="/interaction/${uid}" autocomplete="off">` +
      '<input type="hidden" name="prompt" value="login"/>' +
      `<label for="login">Login</label><input id="login" name="login" value="${escape(opts.login ?? '')}" autofocus>` +
      '<label for="password">Password</label><input id="password" name="password" type="password">' +
      '<button type="submit">Sign in</button></form>' +
      `<p><a href="/interaction/${uid}/abort">Cancel</a></p>`,
  );
}

function consentPage(res: ServerResponse, uid: string, clientId: string, scope: string) {
  page(
    res,
    200,
    'Allow access',
    `<p>The app <strong>${escape(clientId)}</strong> asks for: <code>${escape(scope)}</code></p>` +
      `<form method="post" action="/interaction/${uid}">` +
      '<input type="hidden" name="prompt" value="consent"/>' +
      '<button type="submit">Allow</button></form>' +
      `<p><a href="/interaction/${uid}/abort">Deny</a></p>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    // A sign-in form is a few hundred bytes; refuse to buffer anything much larger.
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The sign-in and consent pages in place of oidc-provider's devInteractions (which take any
 * password): only the listed users get in, and a wrong password is refused on the page, with
 * HTTP 401 and a message saying so. Serves the authorization code flow and the device flow alike
 * (both end in the same interaction). Built on provider.interactionDetails/interactionFinished,
 * as oidc-provider's documentation asks of real deployments.
 */
export async function handleInteraction(
  provider: Provider,
  users: PracticeUser[],
  req: IncomingMessage,
  res: ServerResponse,
  abort: boolean,
): Promise<void> {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return page(
      res,
      400,
      'Sign-in expired',
      '<p class="error" role="alert">This sign-in is no longer valid (expired or already finished). Start the flow again from the app.</p>',
    );
  }
  const { uid, prompt, params, session, grantId } = details;
  if (abort)
    return void (await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
      { mergeWithLastSubmission: false },
    ));
  if (req.method !== 'POST') {
    if (prompt.name === 'login') return loginPage(res, uid, users);
    return consentPage(res, uid, String(params.client_id), String(params.scope ?? ''));
  }
  const form = await readForm(req);
  if (prompt.name === 'login') {
    const login = form.get('login') ?? '';
    const password = form.get('password') ?? '';
    const user = users.find((u) => u.login === login);
    if (!user || user.password !== password)
      return loginPage(res, uid, users, {
        status: 401,
        login,
        error: user
          ? 'Wrong password: sign-in refused. Check the password and try again.'
          : `No user "${login}" here: sign-in refused. Use the demo login shown above.`,
      });
    return void (await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.login } },
      { mergeWithLastSubmission: false },
    ));
  }
  // Consent: grant what was asked (as devInteractions does).
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
  if (!grant) throw new Error('grant not found');
  const d = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scope] of Object.entries(d.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scope.join(' '));
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true },
  );
}
