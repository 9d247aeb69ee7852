import { useEffect, useRef, useState, type DragEvent } from 'react';
import { PRESET_LIST } from '../../../shared/presets.js';
import { MAX_EVIDENCE, type InspectedJwtRole, type InspectReport } from '../../../shared/types.js';
import { revealInvisibleString } from '../../../shared/visible-text.js';
import { ActionButton } from '../components/ActionButton.js';
import { ClaimsTable } from '../components/ClaimsTable.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { CopyButton } from '../components/CopyButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { SelectField, TextField } from '../components/fields.js';
import { pretty } from '../components/format.js';
import { EXACT_COPY_TITLE, SafeText } from '../components/SafeText.js';
import {
  EVIDENCE_FIX,
  MAX_TOKEN_PASTE,
  overCapMessage,
  refuseLongPaste,
  sizeText,
} from '../components/size-cap.js';
import { CappedTextField } from '../components/CappedTextField.js';
import { StepSection } from '../components/StepSection.js';
import { VerificationStatus } from '../components/VerificationStatus.js';
import { useActiveProfile, useApp, useOp } from '../store/index.js';
import { api } from '../store/bridge.js';
import { MAX_HAR_FILE } from '../../../shared/api/contract.js';

interface Item {
  key: number;
  text: string;
  /** File name, when the item came from a file. */
  name?: string;
}

const ROLE: Record<InspectedJwtRole, string> = {
  client_assertion: 'Client assertion',
  access_token: 'Access token',
  id_token: 'ID token',
  jwt: 'JWT',
};

const KIND: Record<string, string> = {
  jwt: 'JWT',
  har: 'HAR file',
  curl: 'curl command',
  'http-request': 'HTTP request',
  'http-response': 'HTTP response',
  'token-request-body': 'Token request body',
  'error-body': 'Response body',
  'token-response': 'Token response',
  jwks: 'JWKS',
  'authorize-url': 'Authorize URL',
  'redirect-url': 'Redirect URL',
  text: 'Text',
};

const EVALUATED: Record<InspectReport['evaluatedAt']['from'], string> = {
  'server-date': "the server's Date header",
  har: 'the time in the HAR',
  'assertion-iat': "the assertion's iat (no server time was given)",
  now: 'the current time (the evidence carries no time)',
};

const PRESET_OPTIONS = [
  { value: '', label: 'None: generic OAuth / SMART rules' },
  ...PRESET_LIST.map((p) => ({ value: p.id as string, label: p.title })),
];

/** A file's text (FileReader: works in every host, also where Blob.text is missing). */
function readText(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error(`Cannot read ${f.name}`));
    r.readAsText(f);
  });
}

function saveReport(text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'inspector-report.md';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function requestText(r: NonNullable<NonNullable<InspectReport['exchange']>['request']>): string {
  return [
    `${r.method} ${r.url ?? '(URL not in the evidence)'}`,
    ...r.headers.map(([n, v]) => `${n}: ${v}`),
    '',
    ...r.params.map(([n, v]) => `${n}=${v}`),
  ].join('\n');
}

function responseText(r: NonNullable<NonNullable<InspectReport['exchange']>['response']>): string {
  const body = r.body.trim().startsWith('{') ? prettyJson(r.body) : r.body;
  return [
    `HTTP ${r.status ?? '?'}${r.statusAssumed ? ' (assumed)' : ''}`,
    ...r.headers.map(([n, v]) => `${n}: ${v}`),
    '',
    body,
  ].join('\n');
}

function prettyJson(s: string): string {
  try {
    return pretty(JSON.parse(s));
  } catch {
    return s;
  }
}

/** What a HAR entry is, in the entry picker. */
const HAR_KIND: Record<NonNullable<InspectReport['endpoint']>, string> = {
  token: 'token request',
  authorize: 'sign-in',
  introspection: 'introspection',
  revocation: 'revocation',
  registration: 'registration',
  userinfo: 'userinfo',
  resource: 'resource call',
  end_session: 'logout',
  discovery: 'discovery',
};

/** "token request, failed: ": what an entry is, and whether it is a refusal. */
const harNote = (e: NonNullable<InspectReport['harEntries']>[number]) => {
  const parts = [
    ...(e.kind !== 'other' ? [HAR_KIND[e.kind]] : []),
    ...(e.failed ? ['failed'] : []),
  ];
  return parts.length ? `${parts.join(', ')}: ` : '';
};

/** Where the refused answer came from, in words. */
const ANSWERED: Record<NonNullable<InspectReport['endpoint']>, string> = {
  token: 'the token endpoint',
  authorize: 'the authorization request',
  introspection: 'the introspection endpoint',
  revocation: 'the revocation endpoint',
  registration: 'the registration endpoint',
  userinfo: 'the userinfo endpoint',
  resource: 'a resource call',
  end_session: 'the logout endpoint',
  discovery: 'discovery',
};

/** How this host takes a file over the paste cap: streamed upload (web host) or file dialog (desktop). */
function largeFileWay(): 'upload' | 'dialog' | null {
  try {
    if (api().uploadFile) return 'upload';
  } catch {
    return null;
  }
  return window.oauthDebugger ? 'dialog' : null;
}

const megabytes = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

export function InspectorStep() {
  const report = useApp((s) => s.inspectReport);
  const lastInput = useApp((s) => s.inspectInput);
  const lastFileInput = useApp((s) => s.inspectFileInput);
  const largeFile = useApp((s) => s.largeFile);
  const inspectLargeFile = useApp((s) => s.inspectLargeFile);
  const reinspectFile = useApp((s) => s.reinspectFile);
  const cancelLargeFile = useApp((s) => s.cancelLargeFile);
  const inspect = useApp((s) => s.inspect);
  const clearInspection = useApp((s) => s.clearInspection);
  const { busy } = useOp('inspect');
  const nextKey = useRef(1);
  const [items, setItems] = useState<Item[]>([{ key: 0, text: '' }]);
  // The active profile's vendor is the likely one: the customer uses the same server.
  const profileVendor = useActiveProfile()?.vendor;
  const [preset, setPreset] = useState(
    PRESET_OPTIONS.some((o) => o.value === profileVendor) ? profileVendor! : '',
  );
  const [jwks, setJwks] = useState('');
  const [jwksUrl, setJwksUrl] = useState('');
  const [tokenUrl, setTokenUrl] = useState('');
  const [clientId, setClientId] = useState('');
  const [status, setStatus] = useState('');
  const [fileError, setFileError] = useState('');
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const causeHeading = useRef<HTMLHeadingElement>(null);
  // A new report: bring its first line (the most likely cause) into view and give it focus.
  useEffect(() => {
    const h = causeHeading.current;
    if (!report || !h) return;
    h.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
    h.focus({ preventScroll: true });
  }, [report]);

  /** Over the cap: refused at once, the box left as it was, with the cap and what to do. */
  const tooLong = (size: number) =>
    overCapMessage(size, MAX_EVIDENCE, 'one piece of evidence', EVIDENCE_FIX);
  const update = (key: number, text: string) => {
    if (text.length > MAX_EVIDENCE) return setFileError(tooLong(text.length));
    setItems((xs) => xs.map((x) => (x.key === key ? { ...x, text } : x)));
  };
  /** A paste is measured before the browser puts megabytes into the box (which freezes it). */
  const onPasteCapture = refuseLongPaste(MAX_EVIDENCE, (size) => setFileError(tooLong(size)));
  /** The JWKS box: the engine reads at most 256 KB of it (a JWKS is a few KB). */
  const add = (more: Omit<Item, 'key'>[]) =>
    setItems((xs) => {
      const kept = xs.filter((x) => x.text.trim());
      const added = more.map((m) => ({ ...m, key: nextKey.current++ }));
      const all = [...kept, ...added];
      return all.length ? all : [{ key: nextKey.current++, text: '' }];
    });

  async function addFiles(files: FileList | null) {
    if (!files?.length) return;
    const read: Omit<Item, 'key'>[] = [];
    const tooBig: string[] = [];
    const large: File[] = [];
    // Measured from file.size, before a byte is read: an 8 MB HAR never reaches the page.
    for (const f of Array.from(files)) {
      if (f.size > MAX_HAR_FILE) tooBig.push(`${f.name} (${sizeText(f.size)})`);
      else if (f.size > MAX_EVIDENCE) large.push(f);
      else read.push({ text: await readText(f), name: f.name });
    }
    const way = largeFileWay();
    const notes = [
      ...(tooBig.length
        ? [
            `Not opened: ${tooBig.join(', ')}. The Inspector reads HAR files of at most ${megabytes(MAX_HAR_FILE)}: record the sign-in alone (DevTools → Network: clear, sign in, then "Save all as HAR").`,
          ]
        : []),
      ...(large.length && way !== 'upload'
        ? [
            way === 'dialog'
              ? `${large.map((f) => f.name).join(', ')}: too large to paste. Use "Open a large HAR file…" to read it from disk.`
              : `Not added: ${large.map((f) => `${f.name} (${sizeText(f.size)})`).join(', ')}. At most ${MAX_EVIDENCE / 1024} KB per file: save only the failing requests (DevTools: right-click the request → Copy → Copy as HAR) and open that smaller file from disk, or read the whole file with the CLI (oauth-flow-debugger inspect FILE).`,
          ]
        : []),
      ...(large.length > 1 && way === 'upload'
        ? [
            `One large file at a time: ${large
              .slice(1)
              .map((f) => f.name)
              .join(', ')} not opened.`,
          ]
        : []),
    ];
    setFileError(notes.join(' '));
    if (read.length) add(read);
    // A file over the paste cap is read from the host as a stream: the findings come straight away.
    if (large[0] && way === 'upload') void inspectLargeFile(large[0], fileOptions());
  }

  /** The options of the form, for inspectFile. */
  function fileOptions() {
    return {
      preset,
      jwks,
      jwksUrl,
      tokenUrl,
      clientId,
      ...(statusNum !== undefined && !statusInvalid ? { status: statusNum } : {}),
    };
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    void addFiles(e.dataTransfer.files);
  }

  const filled = items.filter((i) => i.text.trim());
  const statusNum = status.trim() ? Number(status) : undefined;
  const statusInvalid =
    statusNum !== undefined &&
    !(Number.isInteger(statusNum) && statusNum >= 100 && statusNum < 600);

  function run() {
    void inspect({
      items: filled.map((i) => (i.name ? { text: i.text, name: i.name } : { text: i.text })),
      preset,
      jwks,
      jwksUrl,
      tokenUrl,
      clientId,
      ...(statusNum !== undefined && !statusInvalid ? { status: statusNum } : {}),
    });
  }

  const top = report?.findings[0];
  const hasCause = !!top && top.severity !== 'info';

  return (
    <StepSection
      id="inspector"
      title="Inspector"
      intro="Diagnose what a customer sent you: a client assertion or any JWT, a token request body, the server's error response, a curl command or a HAR file. Nothing is sent to their server, and secrets are masked in everything shown and in the report."
    >
      <div
        className={`card dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <h3>Evidence</h3>
        <p className="hint">
          One piece per box, in any order: pieces of the same exchange are put back together. Drop
          files anywhere on this card.
        </p>
        {items.map((item, i) => (
          <div className="evidence-item" key={item.key} onPasteCapture={onPasteCapture}>
            <TextField
              label={item.name ? `Evidence ${i + 1}: ${item.name}` : `Evidence ${i + 1}`}
              value={item.text}
              onChange={(t) => update(item.key, t)}
              multiline
              rows={item.text.length > 400 ? 8 : 4}
              mono
              placeholder={
                'eyJhbGciOi… · grant_type=client_credentials&… · {"error":"invalid_client"} · curl … · a HAR file'
              }
            />
            {items.length > 1 && (
              <button
                type="button"
                className="btn btn-small btn-secondary"
                onClick={() => setItems((xs) => xs.filter((x) => x.key !== item.key))}
                aria-label={`Remove evidence ${i + 1}`}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        <div className="inline-actions">
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => setItems((xs) => [...xs, { key: nextKey.current++, text: '' }])}
            disabled={items.length >= 10}
          >
            Add another piece
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => fileInput.current?.click()}
          >
            Open files…
          </button>
          {largeFileWay() === 'dialog' && (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={busy}
              onClick={() => void inspectLargeFile(null, fileOptions())}
            >
              Open a large HAR file…
            </button>
          )}
          <input
            ref={fileInput}
            type="file"
            multiple
            accept=".har,.json,.txt,.jwt,.log,.md,.sh,text/*,application/json"
            className="sr-only"
            tabIndex={-1}
            aria-label="Evidence files"
            onChange={(e) => {
              void addFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </div>
        {fileError && (
          <p role="alert" className="field-error">
            {fileError}
          </p>
        )}
        {largeFile && (
          <div className="large-file-progress" role="status" aria-label="Large file">
            <p>
              {largeFile.phase === 'sending'
                ? `Sending ${largeFile.name}: ${megabytes(largeFile.sent)} of ${megabytes(largeFile.total)}`
                : `Reading ${largeFile.name}${largeFile.total ? ` (${megabytes(largeFile.total)})` : ''}: skipping what is not OAuth traffic…`}
            </p>
            <progress
              max={largeFile.total || 1}
              value={largeFile.phase === 'sending' ? largeFile.sent : undefined}
              aria-label={`${largeFile.name} sent`}
            />
            {largeFile.phase === 'sending' && (
              <button
                type="button"
                className="btn btn-small btn-secondary"
                onClick={cancelLargeFile}
              >
                Cancel upload
              </button>
            )}
          </div>
        )}
        <SelectField
          label="Vendor preset"
          value={preset}
          onChange={setPreset}
          options={PRESET_OPTIONS}
          hint="The vendor's documented answers, accepted algorithms and aud rule rank the causes."
        />
        <details className="disclosure">
          <summary>Keys and context (optional)</summary>
          <CappedTextField
            label="JWKS"
            value={jwks}
            onChange={setJwks}
            cap={MAX_TOKEN_PASTE}
            what="a JWKS"
            fix={'Paste the keys alone ({"keys":[…]}, a few KB), or give the JWKS URL instead.'}
            multiline
            rows={3}
            mono
            placeholder='{"keys":[…]}'
            hint="The client's public keys, to verify signatures. A JWKS among the evidence is used too."
          />
          <div className="grid-2">
            <TextField
              label="JWKS URL"
              value={jwksUrl}
              onChange={setJwksUrl}
              type="url"
              mono
              hint="Fetched (and recorded in the timeline) instead of a pasted JWKS."
            />
            <TextField
              label="Token URL"
              value={tokenUrl}
              onChange={setTokenUrl}
              type="url"
              mono
              hint="The URL the customer posted to, when the evidence does not show it."
            />
            <TextField
              label="Client ID"
              value={clientId}
              onChange={setClientId}
              mono
              hint="When it differs from the assertion's sub."
            />
            <TextField
              label="HTTP status"
              value={status}
              onChange={setStatus}
              mono
              placeholder="e.g. 401"
              hint={
                statusInvalid ? (
                  <span className="warn-text">A status is a number from 100 to 599.</span>
                ) : (
                  'Of a pasted error body without its status line.'
                )
              }
            />
          </div>
        </details>
        <div className="actions-row">
          <ActionButton busy={busy} disabled={!filled.length || statusInvalid} onClick={run}>
            Inspect
          </ActionButton>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              setItems([{ key: nextKey.current++, text: '' }]);
              setFileError('');
              clearInspection();
            }}
            disabled={!filled.length && !report}
          >
            Clear
          </button>
        </div>
        <OpError op="inspect" />
      </div>

      {report && (
        <div className="results" aria-label="Inspector results">
          <div className={`card${hasCause ? ' card-emphasis' : ''}`}>
            <h3 ref={causeHeading} tabIndex={-1}>
              Most likely cause
            </h3>
            {report.refused && (
              <p className="notice notice-error">
                The server refused the request ({ANSWERED[report.endpoint ?? 'token']}).{' '}
                {report.stated
                  ? top && top.basis !== 'server'
                    ? 'Its own words name the cause; what was checked here says which part to fix.'
                    : 'Its own words name the cause.'
                  : 'It gave no specific reason: the causes below are ranked from what was sent.'}
              </p>
            )}
            {hasCause ? (
              <FindingsList findings={[top]} label="Most likely cause" where="evidence" />
            ) : (
              <p className={report.refused ? 'warn-text' : 'ok-text'}>
                {report.refused
                  ? 'Nothing in what was given names the cause: add the request or the whole response.'
                  : 'No problem was found in what was given.'}
              </p>
            )}
            {report.findings.length > (hasCause ? 1 : 0) && (
              <>
                <h3>Other findings</h3>
                <FindingsList
                  findings={report.findings.slice(hasCause ? 1 : 0)}
                  label="Other findings"
                  where="evidence"
                />
              </>
            )}
            {report.notes.map((n) => (
              <p key={n} className="notice notice-info">
                <SafeText text={n} />
              </p>
            ))}
          </div>

          <div className="card">
            <h3>What was read</h3>
            <p className="muted">
              Preset: {report.preset?.title ?? 'none (generic rules)'}. Times judged at{' '}
              {new Date(report.evaluatedAt.time).toLocaleString()}, from{' '}
              {EVALUATED[report.evaluatedAt.from]}.
            </p>
            <div className="table-wrap">
              <table className="table table-compact" aria-label="Evidence read">
                <thead>
                  <tr>
                    <th scope="col">Evidence</th>
                    <th scope="col">Read as</th>
                    <th scope="col">What it holds</th>
                  </tr>
                </thead>
                <tbody>
                  {report.items.map((i, n) => (
                    <tr key={`${i.name}-${n}`}>
                      <td>
                        <SafeText text={i.name} />
                      </td>
                      <td className="nowrap">{KIND[i.kind] ?? i.kind}</td>
                      <td className="wrap">
                        <SafeText text={i.summary} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {report.largeFile && (
              <p className="notice notice-info large-file-summary">
                <SafeText
                  text={`${report.largeFile.name} (${megabytes(report.largeFile.bytes)}): ${report.largeFile.skipped.toLocaleString('en')} of ${report.largeFile.entries.toLocaleString('en')} requests skipped as not OAuth/OIDC/FHIR traffic (images, scripts, fonts, analytics); ${report.largeFile.kept.toLocaleString('en')} kept.`}
                />{' '}
                <CopyButton text={report.largeFile.name} label="Copy file name" />
              </p>
            )}
            {report.harEntries && (lastInput || lastFileInput) && (
              <SelectField
                label="HAR entry to diagnose"
                value={String(report.harEntry ?? 0)}
                onChange={(v) =>
                  void (lastFileInput
                    ? reinspectFile({ ...lastFileInput, harEntry: Number(v) })
                    : inspect({ ...lastInput!, harEntry: Number(v) }))
                }
                options={report.harEntries.map((e) => ({
                  value: String(e.index),
                  // What it is first: a long URL is cut off at the end of the picker.
                  // An <option> holds text only: hidden characters are written as ⟨U+XXXX⟩.
                  // A large file's entries are numbered as in the file.
                  label: revealInvisibleString(
                    `#${report.largeFile?.originalIndex[e.index] ?? e.index} ${harNote(e)}${e.status} ${e.method} ${e.url}`,
                  ),
                }))}
              />
            )}
          </div>

          {report.exchange && (
            <div className="card">
              <h3>The exchange, put back together</h3>
              <p className="hint">Secrets are shown as {'{{placeholders}}'}.</p>
              <div className="grid-2">
                {report.exchange.request && (
                  <CodeBlock
                    label={
                      report.exchange.request.assumed
                        ? 'Request (assumed from the assertion)'
                        : 'Request'
                    }
                    what="request"
                    text={requestText(report.exchange.request)}
                  />
                )}
                {report.exchange.response && (
                  <CodeBlock
                    label="Response"
                    what="response"
                    text={responseText(report.exchange.response)}
                  />
                )}
              </div>
            </div>
          )}

          {report.jwts.map((j, i) => (
            <div className="card" key={`${j.from}-${i}`}>
              <h3>
                {ROLE[j.role]}{' '}
                <span className="muted">
                  (<SafeText text={j.from} />)
                </span>
              </h3>
              <VerificationStatus verification={j.verification} />
              <div className="grid-2">
                <CodeBlock
                  label="Header"
                  what={`${ROLE[j.role]} header`}
                  text={pretty(j.decoded.header)}
                />
                <CodeBlock
                  label="Claims"
                  what={`${ROLE[j.role]} claims`}
                  text={pretty(j.decoded.claims)}
                />
              </div>
              <ClaimsTable claims={j.explained} caption={`${ROLE[j.role]} claims explained`} />
              {j.findings.length > 0 && (
                <FindingsList
                  findings={j.findings}
                  label={`${ROLE[j.role]} checks`}
                  where="evidence"
                />
              )}
            </div>
          ))}

          <div className="card">
            <h3>Report to hand back</h3>
            <p className="hint">
              Markdown: the cause, the fix, and the evidence with every secret masked.
            </p>
            <div className="inline-actions">
              <CopyButton text={report.report} label="Copy report" title={EXACT_COPY_TITLE} />
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => saveReport(report.report)}
              >
                Save report…
              </button>
            </div>
            <details className="disclosure">
              <summary>Show the report</summary>
              <pre className="code" tabIndex={0} aria-label="Report">
                <SafeText text={report.report} />
              </pre>
            </details>
          </div>
        </div>
      )}
    </StepSection>
  );
}
