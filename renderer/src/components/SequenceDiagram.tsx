import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../store/index.js';
import type { Theme } from '../store/ui.js';
import {
  exchangesOfRun,
  hopSentence,
  hopsOf,
  layoutSequence,
  runLabel,
  runsOf,
  type Arrow,
  type SequenceLayout,
} from './sequence-layout.js';

/**
 * Colours as attributes, not CSS variables, so the exported SVG and PNG look like the screen
 * without the app's stylesheet.
 */
const PALETTE: Record<
  Theme,
  Record<'bg' | 'text' | 'muted' | 'line' | 'box' | 'fail' | 'pick', string>
> = {
  light: {
    bg: '#ffffff',
    text: '#1b1f24',
    muted: '#5c6470',
    line: '#3d4550',
    box: '#f0f2f5',
    fail: '#b42318',
    pick: '#1f5fd1',
  },
  dark: {
    bg: '#181c22',
    text: '#e6e9ee',
    muted: '#9aa3ae',
    line: '#c3cad3',
    box: '#1f242b',
    fail: '#ff8a80',
    pick: '#6ea2ff',
  },
};

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
const FALLBACK_WIDTH = 640;

/** The width of the panel, followed as it resizes (a fixed guess where there is no observer). */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(FALLBACK_WIDTH);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      if (w > 0) setWidth(w);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

function ArrowHead({ id, colour }: { id: string; colour: string }) {
  return (
    <marker
      id={id}
      viewBox="0 0 10 10"
      refX="9"
      refY="5"
      // The same size on thin and thick lines.
      markerUnits="userSpaceOnUse"
      markerWidth="10"
      markerHeight="10"
      orient="auto-start-reverse"
    >
      <path d="M0,0 L10,5 L0,10 z" fill={colour} />
    </marker>
  );
}

function ArrowView({
  arrow,
  colours,
  ids,
  picked,
  onPick,
}: {
  arrow: Arrow;
  colours: (typeof PALETTE)['light'];
  ids: { ok: string; fail: string; pick: string };
  picked: boolean;
  onPick: () => void;
}) {
  const { hop } = arrow;
  const stroke = picked ? colours.pick : colours.line;
  const answerColour = hop.failed ? colours.fail : picked ? colours.pick : colours.line;
  const head = picked ? ids.pick : ids.ok;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick();
    }
  };
  const top = arrow.y - 22;
  const bottom = (arrow.returnY ?? arrow.y) + 6;
  return (
    <g
      className={`seq-hop${hop.failed ? ' seq-hop-failed' : ''}${picked ? ' seq-hop-picked' : ''}`}
      role="button"
      tabIndex={0}
      aria-label={`${hopSentence(hop)} Opens it in the Timeline.`}
      aria-pressed={picked}
      data-exchange={hop.exchangeId}
      onClick={onPick}
      onKeyDown={onKeyDown}
    >
      <title>{`${hop.n}. ${hop.step} — ${hop.request}${hop.answer ? ` → ${hop.answer}` : ''}`}</title>
      {/* The hit area: the whole row, so a thin line is easy to click. */}
      <rect
        className="seq-hit"
        x={Math.min(arrow.x1, arrow.x2) - 6}
        y={top}
        width={Math.abs(arrow.x2 - arrow.x1) + 12}
        height={bottom - top}
        rx="4"
        fill={picked ? colours.pick : 'transparent'}
        fillOpacity={picked ? 0.08 : 0}
      />
      <text
        x={arrow.labelX}
        y={arrow.y - 6}
        fill={colours.text}
        fontSize="12"
        fontFamily={FONT}
        stroke={colours.bg}
        strokeWidth="4"
        strokeLinejoin="round"
        paintOrder="stroke"
      >
        {arrow.requestLabel}
      </text>
      <line
        x1={arrow.x1}
        y1={arrow.y}
        x2={arrow.x2}
        y2={arrow.y}
        stroke={stroke}
        strokeWidth={picked ? 2.5 : 1.5}
        markerEnd={`url(#${head})`}
      />
      {arrow.returnY !== undefined && (
        <>
          <text
            x={arrow.labelX}
            y={arrow.returnY - 6}
            fill={hop.failed ? colours.fail : colours.muted}
            fontSize="12"
            fontWeight={hop.failed ? 700 : 400}
            fontFamily={FONT}
            stroke={colours.bg}
            strokeWidth="4"
            strokeLinejoin="round"
            paintOrder="stroke"
          >
            {arrow.answerLabel}
          </text>
          <line
            x1={arrow.x2}
            y1={arrow.returnY}
            x2={arrow.x1}
            y2={arrow.returnY}
            stroke={answerColour}
            strokeWidth={hop.failed ? 2 : 1.25}
            // Dashed is the return line; a failed one is dashed short and thick, with the ✕ in its label.
            strokeDasharray={hop.failed ? '3 3' : '6 4'}
            markerEnd={`url(#${hop.failed ? ids.fail : head})`}
          />
        </>
      )}
    </g>
  );
}

function Drawing({
  layout,
  zoom,
  theme,
  picked,
  onPick,
  svgRef,
}: {
  layout: SequenceLayout;
  zoom: number;
  theme: Theme;
  picked: string | null;
  onPick: (id: string) => void;
  svgRef: React.RefObject<SVGSVGElement | null>;
}) {
  const c = PALETTE[theme];
  const base = useId().replace(/:/g, '');
  const ids = { ok: `${base}-ok`, fail: `${base}-fail`, pick: `${base}-pick` };
  const { header } = layout;
  return (
    <svg
      ref={svgRef}
      xmlns="http://www.w3.org/2000/svg"
      className="seq-svg"
      width={Math.round(layout.width * zoom)}
      height={Math.round(layout.height * zoom)}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="group"
      aria-label="Drawing: one arrow per exchange"
    >
      <defs>
        <ArrowHead id={ids.ok} colour={c.line} />
        <ArrowHead id={ids.fail} colour={c.fail} />
        <ArrowHead id={ids.pick} colour={c.pick} />
      </defs>
      <rect x="0" y="0" width={layout.width} height={layout.height} fill={c.bg} />
      {layout.lanes.map((lane) => (
        <g key={lane.id} aria-hidden="true">
          <line
            x1={lane.x}
            y1={layout.lifeline.top}
            x2={lane.x}
            y2={layout.lifeline.bottom}
            stroke={c.muted}
            strokeOpacity="0.6"
            strokeDasharray="2 4"
          />
          <rect
            x={lane.x - header.width / 2}
            y={header.y}
            width={header.width}
            height={header.height}
            rx="6"
            fill={c.box}
            stroke={c.line}
          />
          <text
            x={lane.x}
            y={header.y + header.height / 2 + 4}
            textAnchor="middle"
            fill={c.text}
            fontSize="12"
            fontWeight="600"
            fontFamily={FONT}
          >
            {lane.label}
          </text>
        </g>
      ))}
      {layout.arrows.map((a) => (
        <ArrowView
          key={a.hop.exchangeId}
          arrow={a}
          colours={c}
          ids={ids}
          picked={picked === a.hop.exchangeId}
          onPick={() => onPick(a.hop.exchangeId)}
        />
      ))}
    </svg>
  );
}

/** The SVG as a standalone file (no stylesheet needed: colours are attributes). */
function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.removeAttribute('class');
  copy.querySelectorAll('[tabindex]').forEach((el) => el.removeAttribute('tabindex'));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** PNG at twice the size (sharp on slides), drawn from the SVG through a canvas. */
async function pngOf(svg: SVGSVGElement): Promise<Blob> {
  const text = svgText(svg);
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  const img = new Image();
  // A data: URL, not a blob: one: the page's Content-Security-Policy allows only data: images.
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('The browser could not draw the diagram.'));
    img.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = w * 2;
  canvas.height = h * 2;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser has no 2D canvas.');
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0, w, h);
  return await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('The PNG could not be made.'))),
      'image/png',
    ),
  );
}

/**
 * A live sequence diagram of one run, built from the recorded exchanges: the app, the browser,
 * the authorization server and the FHIR server, one arrow per exchange (front channel included),
 * failed hops marked. Picking an arrow opens its exchange in the Timeline (focusExchange).
 */
export function SequenceDiagram({ title = true }: { title?: boolean }) {
  const exchanges = useApp((s) => s.exchanges);
  const knownRuns = useApp((s) => s.runs);
  const runsError = useApp((s) => s.runsError);
  const picked = useApp((s) => s.diagramRunId);
  const pickRun = useApp((s) => s.pickDiagramRun);
  const loadRuns = useApp((s) => s.loadRuns);
  const focusExchange = useApp((s) => s.focusExchange);
  const focused = useApp((s) => s.focusedExchange?.id ?? null);
  const theme = useApp((s) => s.theme);
  // Presenter mode: the same drawing, larger (laid out narrower, then scaled up).
  const zoom = useApp((s) => (s.presenter ? 1.25 : 1));
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const width = useWidth(wrapRef);
  const [exportError, setExportError] = useState<string | null>(null);
  const pickerId = useId();

  const runs = useMemo(() => runsOf(exchanges, knownRuns), [exchanges, knownRuns]);
  const runIds = runs.map((r) => r.id).join(' ');
  // A run the engine has not named yet: ask it again for the picker's names.
  const unnamed = runs.some((r) => !knownRuns.some((k) => k.id === r.id));
  useEffect(() => {
    if (unnamed) void loadRuns().catch(() => undefined);
  }, [runIds, unnamed, loadRuns]);

  const run = runs.find((r) => r.id === picked) ?? runs.at(-1) ?? null;
  const hops = useMemo(() => hopsOf(exchangesOfRun(exchanges, run?.id ?? null)), [exchanges, run]);
  const layout = useMemo(
    () => layoutSequence(hops, { width: Math.floor(width / zoom) }),
    [hops, width, zoom],
  );
  const failed = hops.filter((h) => h.failed).length;
  const fileBase = `sequence-${run?.flow.replace(/[^a-z0-9]+/gi, '-') ?? 'run'}`;

  async function exportPng() {
    setExportError(null);
    try {
      if (svgRef.current) download(await pngOf(svgRef.current), `${fileBase}.png`);
    } catch (e) {
      setExportError((e as Error).message);
    }
  }

  return (
    <section className="seq" role="region" aria-label="Sequence diagram">
      <header className="seq-header">
        {title && <h2 className="seq-title">Sequence diagram</h2>}
        {runs.length > 1 && (
          <div className="seq-picker">
            <label htmlFor={pickerId}>Run</label>
            <select
              id={pickerId}
              className="input"
              value={run?.id ?? ''}
              onChange={(e) => pickRun(e.target.value === runs.at(-1)?.id ? null : e.target.value)}
            >
              {runs.map((r, i) => (
                <option key={r.id} value={r.id}>
                  {runLabel(r, i + 1)}
                  {i === runs.length - 1 ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          </div>
        )}
        {hops.length > 0 && (
          <div className="seq-export inline-actions">
            <button
              type="button"
              className="btn btn-small btn-secondary"
              onClick={() =>
                svgRef.current &&
                download(
                  new Blob([svgText(svgRef.current)], { type: 'image/svg+xml' }),
                  `${fileBase}.svg`,
                )
              }
            >
              Export SVG
            </button>
            <button type="button" className="btn btn-small btn-secondary" onClick={exportPng}>
              Export PNG
            </button>
          </div>
        )}
      </header>
      {exportError && (
        <p className="alert-inline" role="alert">
          {exportError} Export the SVG instead, or take a screenshot.
        </p>
      )}
      {runsError && runs.length > 1 && (
        <p className="hint">Runs are named by their first step: the engine did not list them.</p>
      )}
      <div className="seq-body" ref={wrapRef}>
        {!run ? (
          <p className="empty">
            No run yet — send a request in any step and its exchanges appear here, one arrow each.
          </p>
        ) : (
          <>
            <p className="seq-summary muted" aria-live="polite">
              {run.profileName ? `${run.profileName}: ` : ''}
              {hops.length} {hops.length === 1 ? 'exchange' : 'exchanges'}
              {failed > 0 && (
                <>
                  , <span className="seq-failed-count">✕ {failed} failed</span>
                </>
              )}
              . Press an arrow to open it in the Timeline.
            </p>
            <div className="seq-canvas">
              <Drawing
                layout={layout}
                zoom={zoom}
                theme={theme}
                picked={focused}
                onPick={focusExchange}
                svgRef={svgRef}
              />
            </div>
            <ol className="sr-only" aria-label="Hops of the run">
              {hops.map((h) => (
                <li key={h.exchangeId}>{hopSentence(h)}</li>
              ))}
            </ol>
          </>
        )}
      </div>
    </section>
  );
}
