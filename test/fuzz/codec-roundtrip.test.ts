/**
 * Schema-derived round trips for every declared type, and random octets into every decoder:
 * values a strict decoder accepts come back equal and re-encode to the same octets; random
 * input only ever produces a WireError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import { createCodec } from '../../src/wire/codec.js';
import { WireError } from '../../src/wire/errors.js';
import { valueArbitrary, withoutRawBytes } from '../helpers/arbitrary.js';

const strict = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS });
const lenient = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });
const types = Object.keys(SCHEMA).filter((t) => SCHEMA[t].kind !== 'union');

/** A type that selects from a union with no members (TPMU_SET_CAPABILITIES) has no valid value. */
function constructible(type: string, seen = new Set<string>()): boolean {
  if (seen.has(type)) return true;
  seen.add(type);
  const d = SCHEMA[type];
  if (!d) return true;
  if (d.kind === 'union') return Object.keys(d.members).length > 0 && Object.values(d.members).every((m) => !m.type || constructible(m.type, seen));
  if (d.kind === 'sized') return constructible(d.type, seen);
  if (d.kind === 'struct') return d.fields.every((f) => constructible(f.type, seen));
  return true;
}
const roundTripTypes = types.filter((t) => constructible(t));

describe('every structure round-trips (schema-derived values)', () => {
  it('covers all but the types without a valid value', () => {
    expect(types.filter((t) => !constructible(t))).toEqual(['TPMS_SET_CAPABILITY_DATA', 'TPM2B_SET_CAPABILITY_DATA']);
  });
  it.each(roundTripTypes)('%s', (type) => {
    fc.assert(
      fc.property(valueArbitrary(SCHEMA, DEFAULT_LIMITS, type), (value) => {
        const bytes = strict.encode(type, value);
        const decoded = strict.decode(type, bytes);
        expect(withoutRawBytes(decoded)).toEqual(value);
        expect(strict.encode(type, decoded)).toEqual(bytes);
        expect(lenient.encode(type, lenient.decode(type, bytes))).toEqual(bytes);
      }),
      { numRuns: 25 },
    );
  });
});

describe('random octets into every decoder give only typed wire errors', () => {
  it('all types, strict and lenient', () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 96 }), fc.boolean(), (type, bytes, allowNull) => {
        for (const codec of [strict, lenient]) {
          try {
            codec.decode(type, bytes, allowNull);
          } catch (e) {
            if (!(e instanceof WireError)) throw e;
            expect(e.rc).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 20_000 },
    );
  });
});
