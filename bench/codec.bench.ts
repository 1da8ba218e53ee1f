// Codec throughput: decode and encode of TPMT_PUBLIC (the TCG RSA EK template), a
// TPML_PCR_SELECTION of three banks and a TPMS_ATTEST quote, with the strict (emulator) codec.
//   npx tsx bench/codec.bench.ts      (BENCH_QUICK=1 for a short run)
import { pathToFileURL } from 'node:url';
import { DEFAULT_LIMITS, SCHEMA } from '../src/gen/schemas.js';
import { createCodec } from '../src/wire/codec.js';
import { fmtOps, opsPerSecond, quick, type BenchOptions } from './harness.js';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));

const SAMPLES: Record<string, Uint8Array> = {
  TPMT_PUBLIC: hex(
    '0001 000b 000300b2 0020 837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa' +
      '0006 0080 0043 0010 0800 00000000 0100' + '00'.repeat(256),
  ),
  TPML_PCR_SELECTION: hex('00000003 0004 03 ffffff 000b 03 ffffff 0012 03 ffffff'),
  TPMS_ATTEST: hex(
    'ff544347 8018 0022 000b6a8472b62a35af6ad2d292102507b78269b8802f5c278bd42cb002fddbd0fbcb' +
      '0014 ed5d2141eac6e56caad46d4add54d3718c86670a 000000000000012f 00000000 00000000 01 2019102300163636' +
      '00000001 000b 03 008041 0020 51cdfd15463a712da38c49e9390d861030e28cf1f19ebe9f5a8b6901a9df64fc',
  ),
};

export interface CodecRow {
  type: string;
  octets: number;
  decodePerSec: number;
  encodePerSec: number;
}

export function run(opts: BenchOptions = quick()): CodecRow[] {
  const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS });
  let sink = 0;
  return Object.entries(SAMPLES).map(([type, bytes]) => {
    const value = codec.decode(type, bytes);
    return {
      type,
      octets: bytes.length,
      decodePerSec: opsPerSecond(() => {
        sink ^= (codec.decode(type, bytes) as object) ? 1 : 0;
      }, opts),
      encodePerSec: opsPerSecond(() => {
        sink ^= codec.encode(type, value).length;
      }, opts),
    };
  });
}

export function toMarkdown(rows: CodecRow[]): string {
  const lines = ['| structure | octets | decode op/s | decode µs | encode op/s | encode µs |', '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.type} | ${r.octets} | ${fmtOps(r.decodePerSec)} | ${(1e6 / r.decodePerSec).toFixed(2)} | ${fmtOps(r.encodePerSec)} | ${(1e6 / r.encodePerSec).toFixed(2)} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(toMarkdown(run()));
