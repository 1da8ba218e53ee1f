/**
 * Random and mutated commands into execute(), on both profiles: every reply is a well-formed
 * TPM response, nothing throws, and a rejected command leaves the state exactly as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tpm } from '../../src/tpm/engine.js';
import { checkWellFormed, startedFuzzTpm, stateOf } from '../helpers/fuzz.js';

const corpus: Uint8Array[] = gunzipSync(readFileSync(join(import.meta.dirname, '..', 'vectors', 'transcripts', 'tpm2-tools-5.4-swtpm.jsonl.gz')))
  .toString('utf8')
  .trim()
  .split('\n')
  .filter((_, i) => i % 7 === 0)
  .map((l) => Uint8Array.from(Buffer.from(JSON.parse(l).command as string, 'hex')));

const started = (profile: string): Tpm => startedFuzzTpm(profile);

const mutate = (base: Uint8Array, edits: [number, number][], cut: number | null): Uint8Array => {
  const out = base.slice(0, cut === null ? base.length : Math.min(base.length, cut));
  for (const [pos, val] of edits) if (out.length) out[pos % out.length] = val;
  return out;
};

describe.each(['tpm2', 'tcm2'])('execute() under fuzzing, profile %s', (profile) => {
  it('random octets', () => {
    const tpm = started(profile);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        checkWellFormed(bytes, tpm.execute(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('random octets behind a plausible header', () => {
    const tpm = started(profile);
    fc.assert(
      fc.property(fc.constantFrom(0x8001, 0x8002), fc.integer({ min: 0x11f, max: 0x1a1 }), fc.uint8Array({ maxLength: 80 }), (tag, code, body) => {
        const cmd = new Uint8Array(10 + body.length);
        const v = new DataView(cmd.buffer);
        v.setUint16(0, tag);
        v.setUint32(2, cmd.length);
        v.setUint32(6, code);
        cmd.set(body, 10);
        const before = stateOf(tpm);
        const rc = checkWellFormed(cmd, tpm.execute(cmd, { locality: code % 5 }));
        if (rc !== 0) expect(stateOf(tpm)).toEqual(before);
      }),
      { numRuns: 1500 },
    );
  });

  it('mutated real commands (tpm2-tools traffic)', () => {
    const tpm = started(profile);
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat({ max: 300 })),
        (base, edits, cut) => {
          const cmd = mutate(base, edits, cut);
          const before = stateOf(tpm);
          const rc = checkWellFormed(cmd, tpm.execute(cmd));
          if (rc !== 0) expect(stateOf(tpm)).toEqual(before);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('real commands, unmodified, never break the TPM', () => {
    const tpm = started(profile);
    for (const cmd of corpus) checkWellFormed(cmd, tpm.execute(cmd));
    // Still answering normally afterwards: GetRandom(8).
    const r = tpm.execute(Uint8Array.from([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x7b, 0, 8]));
    expect(checkWellFormed(new Uint8Array([0x80, 0x01]), r)).toBe(0);
  });
});
