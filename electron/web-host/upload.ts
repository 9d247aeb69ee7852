/**
 * The web host's upload route for large files (the Inspector's HAR files, up to 200 MB): the
 * request body is streamed to a temporary file (mode 0600, in a private folder of the OS temp
 * dir), never held in memory nor parsed as a JSON body, and bounded. The page gets an uploadId
 * for inspectFile; the engine deletes the file once it has read it, and closing the host deletes
 * whatever is left. The per-run token is checked by the caller (server.ts), as for /api.
 *
 * Two ways in:
 * - `POST /upload` with the whole file as the body (curl, scripts);
 * - in parts, so that the page can show bytes sent and cancel (fetch reports no upload progress):
 *   `POST /upload?size=N` begins (→ {session}), `POST /upload/<session>?offset=K` appends one part
 *   (→ {written}, and the UploadedFile with the last part), `DELETE /upload/<session>` cancels.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { UPLOAD_PATH, type UploadedFile } from '../../shared/api/contract.js';
import { MAX_HAR_FILE, grantFile, releaseFile } from '../core/file-grants.js';

export interface Uploads {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Deletes every upload not read yet (and parts of unfinished ones), and the folder. */
  close(): Promise<void>;
}

/** An upload in parts that has not received all its bytes yet. */
interface Session {
  path: string;
  name: string;
  size: number;
  written: number;
  busy: boolean;
  timer: ReturnType<typeof setTimeout>;
}

/** An unfinished upload is dropped after this long without a part. */
const IDLE_MS = 5 * 60_000;

const mb = (n: number) => `${Math.round(n / 1048576)} MB`;

/** The file's name as the page sent it (X-File-Name, URI-encoded), reduced to a plain name. */
function fileName(req: IncomingMessage): string {
  const raw = req.headers['x-file-name'];
  let name = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Kept as sent.
  }
  name = name.split(/[\\/]/).pop() ?? '';
  // Control characters dropped: the name is shown in the report.
  name = [...name].filter((ch) => ch >= ' ' && ch !== '\u007f').join('');
  return name.slice(0, 200) || 'upload.har';
}

/** Stops reading a refused body: the connection is closed once the answer is on its way. */
export function hangUp(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => req.destroy());
}

/** Streams the request body into `path` (appending), at most `limit` bytes. */
function receive(
  req: IncomingMessage,
  path: string,
  flags: 'wx' | 'a',
  limit: number,
): Promise<{ result: 'done' | 'too-large' | 'failed'; bytes: number }> {
  const out = createWriteStream(path, { flags, mode: 0o600 });
  let bytes = 0;
  return new Promise((resolve) => {
    const fail = (result: 'too-large' | 'failed') => {
      req.unpipe(out);
      out.destroy();
      resolve({ result, bytes });
    };
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > limit) fail('too-large');
    });
    req.on('aborted', () => fail('failed'));
    req.on('error', () => fail('failed'));
    out.on('error', () => fail('failed'));
    out.on('finish', () => resolve({ result: bytes > limit ? 'too-large' : 'done', bytes }));
    req.pipe(out);
  });
}

export function createUploads(opts: { max?: number } = {}): Uploads {
  const max = opts.max ?? MAX_HAR_FILE;
  let dir: Promise<string> | undefined;
  const ids = new Set<string>();
  const sessions = new Map<string, Session>();
  const folder = () => (dir ??= mkdtemp(join(tmpdir(), 'ofd-uploads-')));
  const newPath = async () => join(await folder(), `${randomBytes(12).toString('hex')}.har`);

  const tooLarge = (size?: number) =>
    err(
      'INVALID_INPUT',
      `${size ? `The file is ${mb(size)}: ` : 'The file is too large: '}the Inspector reads files of at most ${mb(max)}.`,
      'Record the sign-in alone (DevTools → Network: clear, sign in, then "Save all as HAR"), or filter the HAR to the sign-in requests.',
    );
  const stopped = err(
    'INVALID_INPUT',
    'The upload stopped before the whole file arrived.',
    'Open the file again.',
  );
  const answer = (res: ServerResponse, status: number, body: Result<unknown>, close = false) => {
    if (res.headersSent) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(JSON.stringify(body));
  };
  const refuseLarge = (req: IncomingMessage, res: ServerResponse, size?: number) => {
    answer(res, 413, tooLarge(size), true);
    hangUp(req, res);
  };
  /** The finished file, handed to the engine by an id the page may hold. */
  const granted = (path: string, name: string, bytes: number): Result<UploadedFile> => {
    const uploadId = grantFile({ path, name, temporary: true });
    ids.add(uploadId);
    return ok({ uploadId, name, bytes });
  };
  const drop = async (id: string) => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    clearTimeout(s.timer);
    await unlink(s.path).catch(() => {});
  };
  const idle = (id: string) => setTimeout(() => void drop(id), IDLE_MS).unref();

  async function whole(req: IncomingMessage, res: ServerResponse) {
    const path = await newPath();
    const { result, bytes } = await receive(req, path, 'wx', max);
    if (result !== 'done') {
      await unlink(path).catch(() => {});
      return result === 'too-large' ? refuseLarge(req, res) : answer(res, 400, stopped);
    }
    answer(res, 200, granted(path, fileName(req), bytes));
  }

  async function begin(req: IncomingMessage, res: ServerResponse, size: number) {
    if (!Number.isSafeInteger(size) || size < 0)
      return answer(res, 400, err('INVALID_INPUT', 'size must be the file size in bytes.'));
    if (size > max) return refuseLarge(req, res, size);
    req.resume();
    const path = await newPath();
    await writeFile(path, '', { flag: 'wx', mode: 0o600 });
    const id = randomBytes(16).toString('hex');
    sessions.set(id, { path, name: fileName(req), size, written: 0, busy: false, timer: idle(id) });
    answer(res, 200, ok({ session: id }));
  }

  async function part(req: IncomingMessage, res: ServerResponse, id: string, offset: number) {
    const s = sessions.get(id);
    if (!s)
      return answer(
        res,
        404,
        err('NOT_FOUND', 'No such upload (cancelled or expired).', 'Open the file again.'),
      );
    if (s.busy || offset !== s.written)
      return answer(
        res,
        409,
        err(
          'INVALID_INPUT',
          `Expected the part at byte ${s.written}, not ${offset}.`,
          'Open the file again.',
        ),
      );
    s.busy = true;
    clearTimeout(s.timer);
    const { result, bytes } = await receive(req, s.path, 'a', s.size - s.written);
    s.busy = false;
    if (result !== 'done') {
      await drop(id);
      return result === 'too-large' ? refuseLarge(req, res) : answer(res, 400, stopped);
    }
    s.written += bytes;
    if (s.written < s.size) {
      s.timer = idle(id);
      return answer(res, 200, ok({ written: s.written }));
    }
    sessions.delete(id);
    answer(res, 200, granted(s.path, s.name, s.written));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.pathname.slice(UPLOAD_PATH.length + 1);
    if (!id) {
      if (req.method !== 'POST') return answer(res, 405, err('INVALID_INPUT', 'Use POST.'));
      const declared = Number(req.headers['content-length']);
      // Refused before a byte is stored when the size is declared (fetch with a body declares it).
      if (Number.isFinite(declared) && declared > max) return refuseLarge(req, res, declared);
      const size = url.searchParams.get('size');
      return size === null ? whole(req, res) : begin(req, res, Number(size));
    }
    if (req.method === 'DELETE') {
      req.resume();
      await drop(id);
      return answer(res, 200, ok({ cancelled: true }));
    }
    if (req.method !== 'POST') return answer(res, 405, err('INVALID_INPUT', 'Use POST or DELETE.'));
    return part(req, res, id, Number(url.searchParams.get('offset')));
  }

  return {
    handle,
    close: async () => {
      for (const id of [...sessions.keys()]) await drop(id);
      for (const id of ids) await releaseFile(id);
      ids.clear();
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
}
