/**
 * The one dispatch every host adapter uses (ipcMain, the web host, the CLI): the raw arguments are
 * parsed with the method's parser from API_INPUTS, then the DebuggerApi method is called. Nothing
 * throws across the contract: bad input is INVALID_INPUT, an unknown method NOT_FOUND, and an
 * exception that escapes the engine INTERNAL.
 */
import { err, type Result } from '../result.js';
import { API_METHODS, type ApiMethod, type DebuggerApi } from './contract.js';
import { API_INPUTS, describeZodError, type Parsers } from './inputs.js';

const parsers: Parsers = API_INPUTS;

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && (API_METHODS as readonly string[]).includes(method);
}

/** Parses raw args with the method's parser and calls the engine; never throws. */
export async function dispatch(
  api: DebuggerApi,
  method: ApiMethod,
  args: unknown,
): Promise<Result<unknown>> {
  if (!isApiMethod(method)) return err('NOT_FOUND', `Unknown method ${String(method)}.`);
  const parsed = parsers[method].safeParse(args);
  if (!parsed.success)
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: describeZodError(parsed.error),
        fix: 'Correct the field named before the colon (the profile file format is in shared/profile.schema.json), then try again.',
        fields: parsed.error.issues.slice(0, 20).map((i) => ({
          path: (typeof i.path[0] === 'number' ? i.path.slice(1) : i.path).join('.'),
          message: i.message,
        })),
      },
    };
  const fn = api[method] as (...a: unknown[]) => Promise<Result<unknown>>;
  try {
    return await fn.apply(api, parsed.data);
  } catch (e) {
    return err('INTERNAL', `Unexpected error: ${(e as Error).message}`);
  }
}

/**
 * A DebuggerApi whose every method goes through `dispatch`: what an in-process host (the CLI)
 * holds, so its input is parsed exactly as input that came over IPC or HTTP.
 */
export function dispatchingApi(api: DebuggerApi): DebuggerApi {
  const out: Partial<Record<ApiMethod, (...args: unknown[]) => Promise<Result<unknown>>>> = {};
  for (const m of API_METHODS) out[m] = (...args: unknown[]) => dispatch(api, m, args);
  return out as DebuggerApi;
}
