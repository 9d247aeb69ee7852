import { FLOW_LABELS } from '../flow-ui.js';
import { useId, useState, type FormEvent } from 'react';
import {
  explainProfileDefaults,
  getPreset,
  isPresetId,
  PRESET_LIST,
  PRESETS,
  presetFlows,
  presetParamErrors,
  profileFromPreset,
  type PresetId,
  type PresetParam,
  type Sources,
  type VendorPreset,
} from '../../../shared/presets.js';
import type { FlowKind } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { SelectField } from '../components/fields.js';
import { useApp, useOp } from '../store/index.js';

type Values = Record<string, string | boolean>;

function defaultValues(preset: VendorPreset): Values {
  return Object.fromEntries(
    preset.params.map((p) => [p.name, p.kind === 'boolean' ? p.default : (p.default ?? '')]),
  );
}

/** Source tags as links (opened in the system browser by the shell). */
export function SourceLinks({ source }: { source: Sources }) {
  return (
    <span className="source-links">
      Source:{' '}
      {source.map((s, i) => (
        <span key={s.tag}>
          {i > 0 && ', '}
          <a href={s.url} target="_blank" rel="noopener noreferrer" title={s.url}>
            [{s.tag}]
          </a>
          {s.confidence === 'community' && <span className="muted"> (community)</span>}
        </span>
      ))}
    </span>
  );
}

/** One preset parameter: a labelled input (or checkbox) with its example, hint and inline error. */
function ParamField({
  param,
  value,
  error,
  onChange,
  onBlur,
}: {
  param: PresetParam;
  value: string | boolean;
  error: string | undefined;
  onChange: (v: string | boolean) => void;
  onBlur: () => void;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  if (param.kind === 'boolean') {
    return (
      <div className="field">
        <div className="check">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            aria-describedby={hintId}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label htmlFor={id}>{param.label}</label>
        </div>
        <p id={hintId} className="hint">
          {param.hint}
        </p>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{param.label}</label>
      <input
        id={id}
        className="input mono"
        type={param.kind === 'url' ? 'url' : 'text'}
        value={typeof value === 'string' ? value : ''}
        placeholder={param.example}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      <p id={hintId} className="hint">
        {param.hint} Example: <code>{param.example}</code>
      </p>
    </div>
  );
}

function PresetParamsForm({ preset, onDone }: { preset: VendorPreset; onDone: () => void }) {
  const saveProfile = useApp((s) => s.saveProfile);
  const { busy } = useOp('saveProfile');
  const flows = presetFlows(preset.id);
  const [values, setValues] = useState<Values>(() => defaultValues(preset));
  const [flow, setFlow] = useState<FlowKind>(flows[0] ?? 'backend-services');
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const errors = presetParamErrors(preset.id, values);
  const steps = preset.setupSteps.filter((s) => !s.flows || s.flows.includes(flow));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length) return;
    const saved = await saveProfile(profileFromPreset(preset.id, values, flow));
    if (saved) onDone();
  }

  return (
    <form
      className="preset-form"
      onSubmit={onSubmit}
      aria-label={`${preset.title} parameters`}
      noValidate
    >
      <p className="hint">{preset.description}</p>
      <div className="grid-2">
        {preset.params.map((p) => (
          <ParamField
            key={p.name}
            param={p}
            value={values[p.name] ?? ''}
            error={submitted || touched[p.name] ? errors[p.name] : undefined}
            onChange={(v) => setValues((s) => ({ ...s, [p.name]: v }))}
            onBlur={() => setTouched((t) => ({ ...t, [p.name]: true }))}
          />
        ))}
        {flows.length > 1 && (
          <SelectField
            label="Flow of the new profile"
            value={flow}
            onChange={setFlow}
            options={flows.map((f) => ({ value: f, label: FLOW_LABELS[f] }))}
          />
        )}
      </div>
      {steps.length > 0 && (
        <div className="preset-setup">
          <h4>Set up on the server first</h4>
          <ol>
            {steps.map((s) => (
              <li key={s.title}>
                <strong>{s.title}.</strong> {s.detail} <SourceLinks source={s.source} />
              </li>
            ))}
          </ol>
        </div>
      )}
      {preset.knownBugs.length > 0 && (
        <details className="disclosure">
          <summary>
            Known bugs of {preset.title} ({preset.knownBugs.length})
          </summary>
          <ul className="bug-list" aria-label={`Known bugs of ${preset.title}`}>
            {preset.knownBugs.map((b) => (
              <li key={b.id} className="bug-row">
                <strong>{b.title}</strong>{' '}
                <span className={`badge ${b.status === 'fixed' ? 'badge-ok' : 'badge-warning'}`}>
                  {b.status}
                  {b.fixedBy ? ` (${b.fixedBy})` : ''}
                </span>
                <br />
                <span className="muted">Affects {b.affects}.</span> {b.symptom} <em>Workaround:</em>{' '}
                {b.workaround} <SourceLinks source={b.source} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="actions-row">
        <ActionButton type="submit" busy={busy}>
          Create profile
        </ActionButton>
        <span className="hint">Every field stays editable in the form below.</span>
      </div>
    </form>
  );
}

/** "New from a vendor preset": pick a preset, give only its parameters, create the profile. */
export function NewFromPreset() {
  const [presetId, setPresetId] = useState<PresetId | ''>('');
  const [open, setOpen] = useState(false);
  const preset = presetId ? PRESETS[presetId] : undefined;
  return (
    <details
      className="disclosure preset-picker"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>New from a vendor preset</summary>
      <SelectField<PresetId | ''>
        label="Vendor preset"
        value={presetId}
        onChange={(v) => setPresetId(isPresetId(v) ? v : '')}
        options={[
          { value: '', label: 'Choose a preset…' },
          ...PRESET_LIST.map((p) => ({ value: p.id, label: p.title })),
        ]}
        hint="Asks only for the preset’s parameters and fills endpoints, auth method, algorithm and scope."
      />
      {preset && (
        <PresetParamsForm
          key={preset.id}
          preset={preset}
          onDone={() => {
            setPresetId('');
            setOpen(false);
          }}
        />
      )}
    </details>
  );
}

/** "Why these defaults?": the reasons and sources behind the fields a preset filled. */
export function PresetDefaults({ vendor, flow }: { vendor: string | undefined; flow: FlowKind }) {
  const preset = getPreset(vendor);
  if (!preset) return null;
  const rows = explainProfileDefaults(preset.id, flow);
  return (
    <details className="disclosure preset-why">
      <summary>Why these defaults? ({preset.title} preset)</summary>
      <dl className="why-list">
        {rows.map((r) => (
          <div key={r.field} className="why-row">
            <dt>{r.label}</dt>
            <dd>
              <code>{r.value}</code>
              <p className="why">
                {r.why}
                {r.inferred && <span className="muted"> (inferred)</span>}
              </p>
              <SourceLinks source={r.source} />
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
