import QRCode from 'qrcode';
import { useMemo } from 'react';

/** Modules of white border around the symbol (the quiet zone scanners need, ISO/IEC 18004). */
const QUIET = 4;

/**
 * The dark modules of a QR symbol as one SVG path, a run of dark modules in a row per rectangle;
 * null when the text does not fit in a QR code.
 */
export function qrPath(text: string): { size: number; d: string } | null {
  let modules: { size: number; data: Uint8Array };
  try {
    modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  } catch {
    return null;
  }
  const { size, data } = modules;
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && data[y * size + x]) x++;
      parts.push(`M${start + QUIET} ${y + QUIET}h${x - start}v1h${start - x}z`);
    }
  }
  return { size, d: parts.join('') };
}

/**
 * A QR code drawn as SVG by React (no HTML strings). Always dark on white, in both themes:
 * phone cameras read inverted codes badly.
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  const qr = useMemo(() => qrPath(text), [text]);
  if (!qr) return <p className="hint">This address is too long for a QR code.</p>;
  const full = qr.size + QUIET * 2;
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${full} ${full}`}
      shapeRendering="crispEdges"
      data-modules={qr.size}
    >
      <rect width={full} height={full} fill="#ffffff" />
      <path d={qr.d} fill="#000000" />
    </svg>
  );
}
