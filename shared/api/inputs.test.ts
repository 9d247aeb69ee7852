import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_METHODS } from './contract.js';
import {
  API_INPUTS,
  apiInputsFit,
  type MisfitParsers,
  type ParserFits,
  type Parsers,
} from './inputs.js';

// Type-level checks: `tsc -b` (the electron project includes shared/**/*.test.ts) fails if a
// ts-expect-error directive below stops being an error, i.e. if the check lets a misfit through.

const kind = z.enum(['RSA-2048', 'EC-P-256']);
const alg = z.enum(['RS384', 'ES256']);

/** The real parser fits. */
const fits: ParserFits<'generateKey', typeof API_INPUTS.generateKey> = true;
/** Dropping an optional field (z.object would strip `kid` from every call) does not. */
const dropsKid = z.tuple([z.object({ kind, alg })]);
const noKid: ParserFits<'generateKey', typeof dropsKid> = false;
/** Nor does a field the contract does not have. */
const extra = z.tuple([
  z.object({ kind, alg, kid: z.string().optional(), x: z.string().optional() }),
]);
const withExtra: ParserFits<'generateKey', typeof extra> = false;
/** Nor a field of another type. */
const wrongType = z.tuple([z.object({ kind, alg, kid: z.number().optional() })]);
const wrong: ParserFits<'generateKey', typeof wrongType> = false;
/** Nor a nested field dropped (saveProfile's auth.kid). */
const profileNoKid = z.tuple([
  API_INPUTS.saveProfile.def.items[0].extend({
    auth: API_INPUTS.saveProfile.def.items[0].shape.auth.omit({ kid: true }),
  }),
]);
const nested: ParserFits<'saveProfile', typeof profileNoKid> = false;

const { saveProfile: _gone, ...withoutSaveProfile } = API_INPUTS;
// @ts-expect-error: a method without a parser fails to compile.
const missing: Parsers = withoutSaveProfile;

// @ts-expect-error: MisfitParsers names the method whose parser does not fit.
const misfit: [
  MisfitParsers<Omit<typeof API_INPUTS, 'generateKey'> & { generateKey: typeof dropsKid }>,
] extends [never]
  ? true
  : never = true;

// @ts-expect-error: and ParserFits is false for it.
const notTrue: true = noKid;

describe('API_INPUTS', () => {
  it('has a parser that fits every method (checked at compile time)', () => {
    expect(apiInputsFit).toBe(true);
    expect([fits, noKid, withExtra, wrong, nested, missing, misfit, notTrue]).toHaveLength(8);
    expect(Object.keys(API_INPUTS).sort()).toEqual([...API_METHODS].sort());
  });

  it('keeps every field of a valid call (nothing is stripped)', () => {
    const call = [{ kind: 'EC-P-256', alg: 'ES256', kid: 'k1' }];
    expect(API_INPUTS.generateKey.parse(call)).toEqual(call);
  });

  it('what the misfits above would do at run time (why they must not compile)', () => {
    const call = [{ kind: 'EC-P-256', alg: 'ES256', kid: 'k1' }];
    // z.object strips what it does not name: the kid would vanish without an error.
    expect(dropsKid.parse(call)).toEqual([{ kind: 'EC-P-256', alg: 'ES256' }]);
    expect(extra.parse(call)).toEqual(call);
    expect(wrongType.safeParse(call).success).toBe(false);
    const profile = { name: 'p', auth: { method: 'private_key_jwt', kid: 'k1' } };
    expect(profileNoKid.parse([profile])[0].auth).toEqual({ method: 'private_key_jwt' });
  });
});
