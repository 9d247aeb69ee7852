import type { DebuggerApi, UploadableFile } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/result.js';
import type { InspectEvidenceInput, InspectReport } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import type { SliceCreator } from './types.js';

/** inspectFile's input: the file held by the host, and inspect's options. */
export type InspectFileInput = Parameters<DebuggerApi['inspectFile']>[0];

/** A large HAR on its way to the host: bytes sent of all (web host upload). */
export interface LargeFileProgress {
  name: string;
  sent: number;
  total: number;
  /** 'sending': the upload; 'reading': the engine streams it and diagnoses. */
  phase: 'sending' | 'reading';
}

/** The running upload's cancel (one at a time; not state: an AbortController is no snapshot). */
let uploadAbort: AbortController | null = null;

export interface InspectorSlice {
  inspectReport: InspectReport | null;
  /** The input of the last run, so another HAR entry can be diagnosed without re-pasting. */
  inspectInput: InspectEvidenceInput | null;
  inspect(input: InspectEvidenceInput): Promise<void>;
  clearInspection(): void;
  /** The last inspectFile input (a large HAR), so another entry can be diagnosed from it. */
  inspectFileInput: InspectFileInput | null;
  largeFile: LargeFileProgress | null;
  /**
   * A HAR over the paste cap: uploaded to the web host in parts (file given), or chosen in the
   * desktop app's file dialog (file null), then read by the engine with inspectFile.
   */
  inspectLargeFile(
    file: UploadableFile | null,
    options: Omit<InspectEvidenceInput, 'items'>,
  ): Promise<void>;
  /** Another entry (or other options) of the large HAR already held by the host. */
  reinspectFile(input: InspectFileInput): Promise<void>;
  cancelLargeFile(): void;
}

/** Drops blank optional fields and empty items so the engine sees only what the user gave. */
function compact(input: InspectEvidenceInput): InspectEvidenceInput {
  const out: InspectEvidenceInput = {
    items: input.items
      .filter((i) => i.text.trim())
      .map((i) => (i.name?.trim() ? { text: i.text, name: i.name.trim() } : { text: i.text })),
  };
  for (const k of ['preset', 'jwks', 'jwksUrl', 'tokenUrl', 'clientId'] as const) {
    const v = input[k]?.trim();
    if (v) out[k] = v;
  }
  if (input.status !== undefined && Number.isFinite(input.status)) out.status = input.status;
  if (input.harEntry !== undefined) out.harEntry = input.harEntry;
  return out;
}

export const createInspectorSlice: SliceCreator<InspectorSlice> = (set) => ({
  inspectReport: null,
  inspectInput: null,
  inspect: async (input) => {
    const clean = compact(input);
    const r = await runOp(set, 'inspect', () => api().inspect(clean));
    set(
      r.ok
        ? { inspectReport: r.value, inspectInput: clean, inspectFileInput: null }
        : { inspectReport: null },
    );
  },
  clearInspection: () => set({ inspectReport: null, inspectInput: null, inspectFileInput: null }),
  inspectFileInput: null,
  largeFile: null,
  inspectLargeFile: async (file, options) => {
    const { items: _none, ...clean } = compact({ ...options, items: [] });
    const bridge = api();
    const abort = new AbortController();
    uploadAbort = abort;
    const r = await runOp(set, 'inspect', async (): Promise<Result<InspectReport>> => {
      let input: InspectFileInput;
      if (file && bridge.uploadFile) {
        set({ largeFile: { name: file.name, sent: 0, total: file.size, phase: 'sending' } });
        const held = await bridge.uploadFile(file, {
          signal: abort.signal,
          onProgress: (sent, total) =>
            set({ largeFile: { name: file.name, sent, total, phase: 'sending' } }),
        });
        if (!held.ok) return held;
        set({
          largeFile: { name: file.name, sent: file.size, total: file.size, phase: 'reading' },
        });
        input = { ...clean, uploadId: held.value.uploadId };
      } else {
        // The desktop app: its main process shows the file dialog, then reads the file by path.
        set({ largeFile: { name: 'the chosen file', sent: 0, total: 0, phase: 'reading' } });
        input = { ...clean, dialog: true };
      }
      const report = await api().inspectFile(input);
      if (report.ok) {
        const uploadId = report.value.largeFile?.uploadId;
        const { dialog: _d, ...again } = input;
        set({ inspectFileInput: uploadId ? { ...again, uploadId } : null, inspectInput: null });
      }
      return report;
    });
    if (uploadAbort === abort) uploadAbort = null;
    // Cancelled by the user: no error to show, the form as it was.
    if (abort.signal.aborted) {
      set((s) => ({ largeFile: null, ops: { ...s.ops, inspect: { busy: false, error: null } } }));
      return;
    }
    set(
      r.ok ? { largeFile: null, inspectReport: r.value } : { largeFile: null, inspectReport: null },
    );
  },
  reinspectFile: async (input) => {
    const r = await runOp(set, 'inspect', () => api().inspectFile(input));
    set(r.ok ? { inspectReport: r.value, inspectFileInput: input } : { inspectReport: null });
  },
  cancelLargeFile: () => uploadAbort?.abort(),
});
