/**
 * Real traffic (tpm2-tools 5.4 against swtpm, test/vectors/transcripts): every command and
 * every successful response decodes with the declared layout and encodes back to the same
 * octets; successful commands also pass strict decoding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/gen/commands.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import { createCodec } from '../../src/wire/codec.js';
import type { CommandDesc } from '../../src/wire/descriptor.js';
import { buildCommand, buildResponse, splitCommand, splitResponse } from '../../src/wire/frame.js';
import { Reader } from '../../src/wire/reader.js';
import { Writer } from '../../src/wire/writer.js';

interface Pair {
  test: string;
  seq: number;
  cc: string;
  command: string;
  response: string;
}

const file = join(import.meta.dirname, 'transcripts', 'tpm2-tools-5.4-swtpm.jsonl.gz');
const pairs: Pair[] = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const byCode = new Map<number, CommandDesc>();
for (const c of Object.values(COMMANDS) as CommandDesc[]) if (!byCode.has(c.code)) byCode.set(c.code, c);

// Transient handles in the corpus are tpm2-abrmd's virtual ones (0x800000ff...), beyond the
// reference's three object slots, so the strict codec here allows the whole transient range.
const strict = createCodec({ schema: SCHEMA, limits: { ...DEFAULT_LIMITS, MAX_LOADED_OBJECTS: 0x1000000 } });
const lenient = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });

/** With a decrypt (encrypt) session the first command (response) parameter is ciphertext:
 * only its size is in the clear (Part 1 "Parameter Encryption"), so read it as octets. */
const DECRYPT = 0x20;
const ENCRYPT = 0x40;
function opaqueFirst(fields: CommandDesc['params'], encrypted: boolean): CommandDesc['params'] {
  return encrypted && fields.length ? [{ name: fields[0].name, type: 'TPM2B_MAX_BUFFER' }, ...fields.slice(1)] : fields;
}

function params(codec: typeof strict, fields: CommandDesc['params'], bytes: Uint8Array, start: number, end: number) {
  const r = new Reader(bytes, start, end);
  const value = codec.readFields(fields, r);
  const w = new Writer();
  codec.writeFields(fields, w, value);
  return { value, consumed: r.pos - start, encoded: w.finish() };
}

describe('transcripts of tpm2-tools against swtpm', () => {
  it(`holds ${pairs.length} pairs covering many command codes`, () => {
    expect(pairs.length).toBeGreaterThan(12_000);
    expect(new Set(pairs.map((p) => p.cc)).size).toBeGreaterThanOrEqual(100);
  });

  it('every command code is declared', () => {
    const unknown = [...new Set(pairs.map((p) => p.cc))].filter((cc) => !byCode.has(parseInt(cc, 16)));
    expect(unknown).toEqual([]);
  });

  it('every command of a successful exchange decodes strictly and re-encodes to the same octets', () => {
    const failures: string[] = [];
    let strictlyChecked = 0;
    for (const p of pairs) {
      const bytes = hex(p.command);
      const desc = byCode.get(parseInt(p.cc, 16));
      if (!desc) continue; // reported by 'every command code is declared'
      const ok = hex(p.response);
      const rc = new DataView(ok.buffer).getUint32(6);
      try {
        const frame = splitCommand(bytes, desc.handles.length);
        const encrypted = frame.sessions.some((x) => x.sessionAttributes & DECRYPT);
        const codec = rc === 0 && !encrypted ? strict : lenient;
        const { consumed, encoded } = params(codec, opaqueFirst(desc.params, encrypted), bytes, frame.paramStart, frame.paramEnd);
        if (consumed !== frame.paramEnd - frame.paramStart) throw new Error(`${frame.paramEnd - frame.paramStart - consumed} parameter octets left over`);
        expect(encoded).toEqual(bytes.subarray(frame.paramStart, frame.paramEnd));
        expect(buildCommand(frame.code, frame.handles, frame.sessions, encoded)).toEqual(bytes);
        if (codec === strict) strictlyChecked++;
      } catch (e) {
        if (rc === 0) failures.push(`${p.test}#${p.seq} ${desc.name}: ${e}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(strictlyChecked).toBeGreaterThan(9_000);
  });

  it('every successful response decodes and re-encodes to the same octets', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const p of pairs) {
      const bytes = hex(p.response);
      const desc = byCode.get(parseInt(p.cc, 16));
      if (!desc) continue;
      const frame = splitResponse(bytes, desc);
      if (frame.rc !== 0) continue;
      checked++;
      try {
        const encrypted = frame.sessions.some((x) => x.sessionAttributes & ENCRYPT);
        const { consumed, encoded } = params(lenient, opaqueFirst(desc.responseParams, encrypted), bytes, frame.paramStart, frame.paramEnd);
        if (consumed !== frame.paramEnd - frame.paramStart) throw new Error(`${frame.paramEnd - frame.paramStart - consumed} parameter octets left over`);
        expect(buildResponse(frame.tag, 0, frame.handles, encoded, frame.sessions)).toEqual(bytes);
      } catch (e) {
        failures.push(`${p.test}#${p.seq} ${desc.name}: ${e}`);
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
