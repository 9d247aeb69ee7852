import { useState } from 'react';
import { KEY_KINDS, SIGNING_ALGS } from '../../../shared/types.js';
import type { KeyInfo, KeyKind, SigningAlg } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { CopyButton } from '../components/CopyButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/fields.js';
import { localDate } from '../components/format.js';
import { KeyValueList } from '../components/KeyValueList.js';
import { StepSection } from '../components/StepSection.js';
import { CappedTextField } from '../components/CappedTextField.js';
import { MAX_TOKEN_PASTE } from '../components/size-cap.js';
import { useActiveProfile, useApp, useOp } from '../store/index.js';
import { StepNotUsedNote } from '../components/StepRail.js';

/** Algorithms a key of this kind can sign with. */
export function algsFor(kind: KeyKind): SigningAlg[] {
  if (kind.startsWith('RSA'))
    return SIGNING_ALGS.filter((a) => a.startsWith('RS') || a.startsWith('PS'));
  if (kind === 'EC-P-256') return ['ES256'];
  if (kind === 'EC-P-384') return ['ES384'];
  return ['ES512'];
}

/** A key is a few KB: megabytes are something else. */
const KEY_FIX =
  'Paste the key file itself (PEM from its first ----- line, or one JWK), not a log or an archive that holds it.';

const defaultAlg = (kind: KeyKind): SigningAlg =>
  kind.startsWith('RSA') ? 'RS384' : algsFor(kind)[0]!;

function GenerateKey() {
  const generateKey = useApp((s) => s.generateKey);
  const { busy } = useOp('generateKey');
  const [kind, setKind] = useState<KeyKind>('RSA-2048');
  const [alg, setAlg] = useState<SigningAlg>('RS384');
  const [kid, setKid] = useState('');

  function onKind(k: KeyKind) {
    setKind(k);
    if (!algsFor(k).includes(alg)) setAlg(defaultAlg(k));
  }

  return (
    <div className="card">
      <h3>Generate a key pair</h3>
      <div className="grid-3">
        <SelectField label="Key type" value={kind} onChange={onKind} options={KEY_KINDS} />
        <SelectField label="Algorithm" value={alg} onChange={setAlg} options={algsFor(kind)} />
        <TextField
          label="Key ID (kid)"
          value={kid}
          onChange={setKid}
          mono
          placeholder="RFC 7638 thumbprint"
          hint="Leave empty to use the key’s RFC 7638 thumbprint."
        />
      </div>
      <OpError op="generateKey" />
      <div className="actions-row">
        <ActionButton
          busy={busy}
          onClick={async () => {
            const key = await generateKey(
              kid.trim() ? { kind, alg, kid: kid.trim() } : { kind, alg },
            );
            if (key) setKid('');
          }}
        >
          Generate key
        </ActionButton>
      </div>
    </div>
  );
}

function ImportKey() {
  const importKey = useApp((s) => s.importKey);
  const { busy } = useOp('importKey');
  const [text, setText] = useState('');
  const [alg, setAlg] = useState<SigningAlg | ''>('');
  const [kid, setKid] = useState('');
  return (
    <div className="card">
      <h3>Import an existing private key</h3>
      <CappedTextField
        label="PEM or JWK"
        value={text}
        onChange={setText}
        cap={MAX_TOKEN_PASTE}
        what="a key"
        fix={KEY_FIX}
        multiline
        rows={5}
        mono
        placeholder="Paste the PEM file (from its first ----- line) or a JWK {…}"
        hint="PKCS#8, PKCS#1 or SEC1 PEM, or a private JWK. It is kept by the engine, never shown again."
      />
      <div className="grid-2">
        <SelectField<SigningAlg | ''>
          label="Imported key alg"
          value={alg}
          onChange={setAlg}
          options={[{ value: '', label: 'Detect from the key' }, ...SIGNING_ALGS]}
        />
        <TextField
          label="Imported key kid"
          value={kid}
          onChange={setKid}
          mono
          placeholder="RFC 7638 thumbprint"
        />
      </div>
      <OpError op="importKey" />
      <div className="actions-row">
        <ActionButton
          variant="secondary"
          busy={busy}
          disabled={!text.trim()}
          onClick={async () => {
            const input: { text: string; alg?: SigningAlg; kid?: string } = { text };
            if (alg) input.alg = alg;
            if (kid.trim()) input.kid = kid.trim();
            if (await importKey(input)) {
              setText('');
              setKid('');
            }
          }}
        >
          Import key
        </ActionButton>
      </div>
    </div>
  );
}

/** The private part of a key whose stored copy cannot be decrypted here; same thumbprint only. */
function ReenterKey({ k, onDone }: { k: KeyInfo; onDone: () => void }) {
  const importKey = useApp((s) => s.importKey);
  const { busy } = useOp('importKey');
  const [text, setText] = useState('');
  return (
    <div
      className="confirm-delete"
      role="group"
      aria-label={`Re-enter the private key of ${k.kid}`}
    >
      <p>
        The private key of <code>{k.kid}</code> is stored but cannot be decrypted here (damaged, or
        from another machine). Paste it again: only the key with thumbprint{' '}
        <code className="wrap">{k.thumbprint}</code> is taken, so the profiles using it keep
        working.
      </p>
      <TextField
        label={`Private key of ${k.kid}`}
        value={text}
        onChange={setText}
        multiline
        rows={4}
        mono
        placeholder="PEM or private JWK"
      />
      <OpError op="importKey" />
      <div className="inline-actions">
        <ActionButton
          small
          busy={busy}
          disabled={!text.trim()}
          onClick={async () => {
            if (await importKey({ text, replaceKeyId: k.id })) {
              setText('');
              onDone();
            }
          }}
        >
          Import private key
        </ActionButton>
        <ActionButton small variant="secondary" onClick={onDone}>
          Cancel
        </ActionButton>
      </div>
    </div>
  );
}

function KeyRow({ k, inUse, canUse }: { k: KeyInfo; inUse: boolean; canUse: boolean }) {
  const deleteKey = useApp((s) => s.deleteKey);
  const profiles = useApp((s) => s.profiles);
  const users = profiles.filter((p) => p.auth.keyId === k.id).map((p) => p.name);
  const [confirming, setConfirming] = useState(false);
  const [reentering, setReentering] = useState(false);
  const [askReplace, setAskReplace] = useState(false);
  const active = useActiveProfile();
  const keys = useApp((s) => s.keys);
  // The key the active profile signs with now, when another one: using this key replaces it.
  const replaced = active?.auth.keyId ? keys.find((x) => x.id === active.auth.keyId) : undefined;
  const applyKeyToProfile = useApp((s) => s.applyKeyToProfile);
  const applyOp = useOp('applyKeyToProfile');
  const del = useOp('deleteKey');
  const [pending, setPending] = useState<'use' | 'delete' | null>(null);

  async function run(kind: 'use' | 'delete', action: () => Promise<void>) {
    setPending(kind);
    try {
      await action();
    } finally {
      setPending(null);
    }
  }

  return (
    <>
      <tr>
        <td>
          <div className="key-id">
            <code className="wrap">{k.kid}</code> <CopyButton text={k.kid} what="kid" />
            {inUse && <span className="badge badge-ok">in profile</span>}
            {k.privateKey === 'needs-reentry' ? (
              <span className="badge badge-warning">needs re-entry</span>
            ) : (
              !k.hasPrivateKey && <span className="badge badge-info">public only</span>
            )}
          </div>
          <div className="key-thumb">
            <span className="muted">Thumbprint </span>
            <code className="wrap">{k.thumbprint}</code>{' '}
            <CopyButton text={k.thumbprint} what="thumbprint" />
          </div>
        </td>
        <td className="nowrap">{k.alg}</td>
        <td className="nowrap">
          {k.kind}
          <br />
          <span className="muted">{k.source}</span>
        </td>
        <td className="nowrap">
          <time dateTime={k.createdAt} title={localDate(k.createdAt)}>
            {new Date(k.createdAt).toLocaleDateString()}
          </time>
        </td>
        <td>
          <div className="inline-actions">
            <CopyButton text={JSON.stringify(k.publicJwk, null, 2)} label="Copy public JWK" />
            <ActionButton
              small
              variant="secondary"
              busy={pending === 'use'}
              disabled={!canUse || inUse || !k.hasPrivateKey || applyOp.busy}
              onClick={() =>
                replaced && replaced.id !== k.id
                  ? setAskReplace(true)
                  : run('use', () => applyKeyToProfile(k.id))
              }
            >
              Use in profile
            </ActionButton>
            {k.privateKey === 'needs-reentry' && !reentering && (
              <ActionButton small variant="secondary" onClick={() => setReentering(true)}>
                Re-enter private key
              </ActionButton>
            )}
            {!confirming && (
              <ActionButton
                small
                variant="danger"
                disabled={del.busy}
                onClick={() => setConfirming(true)}
              >
                Delete
              </ActionButton>
            )}
          </div>
        </td>
      </tr>
      {askReplace && replaced && active && (
        <tr className="confirm-row">
          <td colSpan={5}>
            {/* A key a profile (and maybe a registration) uses is never replaced without asking. */}
            <div className="confirm-delete" role="group" aria-label={`Replace key ${replaced.kid}`}>
              <p>
                Profile {active.name} signs with key <code>{replaced.kid}</code> now
                {active.registration ? ', the one registered with the server' : ''}. With{' '}
                <code>{k.kid}</code> instead, the server must know the new public key: update the
                client&apos;s JWKS there, or register again.
              </p>
              <div className="inline-actions">
                <ActionButton
                  small
                  variant="danger"
                  busy={pending === 'use'}
                  disabled={applyOp.busy}
                  onClick={() =>
                    run('use', async () => {
                      await applyKeyToProfile(k.id);
                      setAskReplace(false);
                    })
                  }
                >
                  Use {k.kid} instead
                </ActionButton>
                <ActionButton small variant="secondary" onClick={() => setAskReplace(false)}>
                  Keep {replaced.kid}
                </ActionButton>
              </div>
            </div>
          </td>
        </tr>
      )}
      {reentering && (
        <tr className="confirm-row">
          <td colSpan={5}>
            <ReenterKey k={k} onDone={() => setReentering(false)} />
          </td>
        </tr>
      )}
      {confirming && (
        <tr className="confirm-row">
          <td colSpan={5}>
            {/* A key is never deleted without asking: it may be the one registered with a server. */}
            <div className="confirm-delete" role="group" aria-label={`Delete key ${k.kid}`}>
              <p>
                {users.length
                  ? `Used by ${users.join(', ')}: ${users.length === 1 ? 'that profile' : 'those profiles'} can no longer sign an assertion.`
                  : 'No profile uses this key.'}{' '}
                {k.hasPrivateKey
                  ? 'The private key is gone for good unless you exported it; a server that has the public key registered keeps expecting signatures from it.'
                  : 'Only the public key is held here.'}
              </p>
              <div className="inline-actions">
                <ActionButton
                  small
                  variant="danger"
                  busy={pending === 'delete'}
                  disabled={del.busy}
                  onClick={() => run('delete', () => deleteKey(k.id))}
                >
                  Delete the key
                </ActionButton>
                <ActionButton small variant="secondary" onClick={() => setConfirming(false)}>
                  Keep it
                </ActionButton>
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function ExportPrivateKey({ keys }: { keys: KeyInfo[] }) {
  const exportPrivateKey = useApp((s) => s.exportPrivateKey);
  const exportedKeyPath = useApp((s) => s.exportedKeyPath);
  const { busy } = useOp('exportPrivateKey');
  const [keyId, setKeyId] = useState(keys[0]?.id ?? '');
  const [path, setPath] = useState('');
  const selected = keys.some((k) => k.id === keyId) ? keyId : (keys[0]?.id ?? '');
  return (
    <div className="card">
      <h3>Export a private key</h3>
      <p className="hint">
        Writes the key as PKCS#8 PEM to a file only you can read (mode 0600). Anyone with this file
        can act as your client.
      </p>
      <div className="grid-2">
        <SelectField
          label="Key to export"
          value={selected}
          onChange={setKeyId}
          options={keys.map((k) => ({ value: k.id, label: `${k.kid} (${k.alg})` }))}
        />
        <TextField
          label="File path"
          value={path}
          onChange={setPath}
          mono
          placeholder="/home/me/keys/client-private-key.pem"
        />
      </div>
      <OpError op="exportPrivateKey" />
      <div className="actions-row">
        <ActionButton
          variant="secondary"
          busy={busy}
          disabled={!selected || !path.trim()}
          onClick={() => exportPrivateKey(selected, path)}
        >
          Export private key
        </ActionButton>
      </div>
      {exportedKeyPath && (
        <p role="status" className="ok-text">
          Private key written to <code className="wrap">{exportedKeyPath}</code>
        </p>
      )}
    </div>
  );
}

const CLOUD_NOTE =
  'Only servers on this machine (or a container on it) can reach 127.0.0.1; a cloud server cannot — publish the JWKS at a public https URL for it.';

function JwksHost() {
  const keys = useApp((s) => s.keys);
  const host = useApp((s) => s.jwksHost);
  const hostJwks = useApp((s) => s.hostJwks);
  const stopJwksHost = useApp((s) => s.stopJwksHost);
  const profile = useActiveProfile();
  const starting = useOp('hostJwks');
  const stopping = useOp('stopJwksHost');
  const [keyId, setKeyId] = useState('');
  const [port, setPort] = useState('');
  const profileKey = keys.find((k) => k.id === profile?.auth.keyId);
  const options = [
    {
      value: '',
      label: profileKey ? `The profile’s key (${profileKey.kid})` : 'The profile’s key (none set)',
    },
    ...keys.map((k) => ({ value: k.id, label: `${k.kid} (${k.alg})` })),
  ];
  return (
    <div className="card">
      <h3>Host the JWKS on this machine</h3>
      <p className="hint">
        Serves the public keys at <code>http://127.0.0.1:&lt;port&gt;/jwks.json</code> so a server
        on this machine can use it as your client’s jwks_uri. Private keys are never served.
      </p>
      {host ? (
        <>
          <KeyValueList
            label="JWKS host"
            items={[
              {
                label: 'JWKS URL',
                value: <code className="wrap">{host.url}</code>,
                copy: host.url,
              },
              {
                label: 'Reachable',
                value: host.reachable ? (
                  <span className="ok-text">✓ fetched back right after starting</span>
                ) : (
                  <span className="alert-inline">
                    ✗ could not fetch it back (see the timeline): a firewall or another program may
                    hold the port
                  </span>
                ),
              },
              {
                label: 'Keys served',
                value: <code className="wrap">{host.kids.join(', ') || '—'}</code>,
              },
            ]}
          />
          {host.staleProfiles.length > 0 && (
            <div className="notice notice-warning" role="alert">
              {host.staleProfiles.map((p) => (
                <p key={p.profileId}>
                  Profile {p.name} names <code className="wrap">{p.jwksUri}</code> as its jwks_uri,
                  a URL no longer served: the server that registered it fetches the old URL. Update
                  the registration (Registration step) with <code className="wrap">{host.url}</code>
                  .
                </p>
              ))}
            </div>
          )}
          <p className="notice notice-warning" role="note">
            {host.note}
          </p>
          <div className="actions-row">
            <ActionButton variant="secondary" busy={stopping.busy} onClick={stopJwksHost}>
              Stop hosting
            </ActionButton>
          </div>
        </>
      ) : (
        <>
          <p className="hint warn-text">{CLOUD_NOTE}</p>
          <div className="grid-2">
            <SelectField
              label="Key to host"
              value={keys.some((k) => k.id === keyId) ? keyId : ''}
              onChange={setKeyId}
              options={options}
            />
            <TextField
              label="Port"
              value={port}
              onChange={(v) => setPort(v.replace(/\D/g, '').slice(0, 5))}
              mono
              placeholder="the key's own"
              hint="Empty: the port chosen the first time for this key, so its URL stays the same across restarts. 0: any free port."
            />
          </div>
          <div className="actions-row">
            <ActionButton
              variant="secondary"
              busy={starting.busy}
              disabled={keys.length === 0 || (!keyId && !profileKey) || Number(port) > 65535}
              onClick={() => hostJwks(keyId || null, port === '' ? undefined : Number(port))}
            >
              Start hosting
            </ActionButton>
          </div>
        </>
      )}
      <OpError op="hostJwks" />
      {starting.error?.code === 'PORT_IN_USE' && !host && (
        <div className="actions-row">
          <ActionButton
            variant="secondary"
            busy={starting.busy}
            onClick={() => hostJwks(keyId || null, 0)}
          >
            Host on a free port instead
          </ActionButton>
        </div>
      )}
      <OpError op="stopJwksHost" />
    </div>
  );
}

export function KeysStep() {
  const keys = useApp((s) => s.keys);
  const jwks = useApp((s) => s.jwks);
  const exportJwks = useApp((s) => s.exportJwks);
  const profile = useActiveProfile();
  const jwksOp = useOp('exportJwks');
  return (
    <StepSection
      id="keys"
      title="Keys"
      intro="The key pair that signs your client assertions. The server needs the public half (JWKS); the private half stays here."
    >
      <StepNotUsedNote step="keys" />
      <GenerateKey />
      <ImportKey />
      <div className="card">
        <h3>Keys in this app</h3>
        <OpError op="applyKeyToProfile" />
        <OpError op="deleteKey" />
        {keys.length === 0 ? (
          <p className="empty">No keys yet — generate one or import an existing private key.</p>
        ) : (
          <div className="table-wrap">
            <table className="table keys-table">
              <caption className="sr-only">Keys</caption>
              <thead>
                <tr>
                  <th scope="col">kid / thumbprint</th>
                  <th scope="col">alg</th>
                  <th scope="col">Type</th>
                  <th scope="col">Created</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <KeyRow
                    key={k.id}
                    k={k}
                    canUse={profile !== null}
                    inUse={profile?.auth.keyId === k.id}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!profile && keys.length > 0 && (
          <p className="hint">Select a profile to use a key in it.</p>
        )}
      </div>
      <div className="card">
        <h3>Public keys for the server</h3>
        <p className="hint">
          Register this JWKS with the server, or publish it at the JWKS URL registered for your
          client.
        </p>
        <div className="actions-row">
          <ActionButton
            variant="secondary"
            busy={jwksOp.busy}
            disabled={keys.length === 0}
            onClick={exportJwks}
          >
            Export JWKS
          </ActionButton>
        </div>
        <OpError op="exportJwks" />
        {jwks && <CodeBlock label="JWKS (public keys only)" what="JWKS" text={jwks} />}
      </div>
      <JwksHost />
      {keys.some((k) => k.hasPrivateKey) && (
        <ExportPrivateKey keys={keys.filter((k) => k.hasPrivateKey)} />
      )}
    </StepSection>
  );
}
