/**
 * The key templates against real traffic (tpm2-tools 5.4 against swtpm, test/vectors/transcripts):
 * each template below must equal, octet for octet, the inPublic (TPMT_PUBLIC) that a tool sent in
 * TPM2_CreatePrimary, TPM2_Create or TPM2_CreateLoaded, in a command swtpm accepted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_CC } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { createCodec } from '../../src/wire/codec.js';
import { splitCommand } from '../../src/wire/frame.js';
import {
  akTemplate,
  eccKeyTemplate,
  ekTemplate,
  keyedHashTemplate,
  rsaKeyTemplate,
  sealedDataTemplate,
  srkTemplate,
  symCipherTemplate,
  symDef,
  tpm2ToolsPrimaryTemplate,
} from '../../src/client/templates.js';

interface Pair {
  test: string;
  cc: string;
  command: string;
  response: string;
}

const file = join(import.meta.dirname, 'transcripts', 'tpm2-tools-5.4-swtpm.jsonl.gz');
const pairs: Pair[] = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });

const CREATE: Record<number, string> = { [TPM_CC.CreatePrimary]: 'CreatePrimary', [TPM_CC.Create]: 'Create', [TPM_CC.CreateLoaded]: 'CreateLoaded' };

/** inPublic octets (hex) → the commands and tests that sent them, successful ones only. */
const sent = new Map<string, Set<string>>();
for (const p of pairs) {
  const name = CREATE[parseInt(p.cc, 16)];
  if (!name || new DataView(hex(p.response).buffer).getUint32(6) !== 0) continue;
  const bytes = hex(p.command);
  const f = splitCommand(bytes, 1);
  // Parameters: TPM2B_SENSITIVE_CREATE inSensitive (maybe encrypted; its size is clear), then
  // TPM2B_PUBLIC inPublic (CreateLoaded: TPM2B_TEMPLATE, the same octets).
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const at = f.paramStart + 2 + view.getUint16(f.paramStart);
  const pub = bytesToHex(bytes.subarray(at + 2, at + 2 + view.getUint16(at)));
  if (!sent.has(pub)) sent.set(pub, new Set());
  sent.get(pub)!.add(`${name} ${p.test}`);
}

const NAME_ALGS = [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512];
const aes256 = symDef(TPM_ALG.AES, 256);

/** [what, the template, a command and test it must appear in]. */
const CASES: [string, TPMT_PUBLIC, string][] = [
  ['EK L-1 (tpm2_createek -G rsa)', ekTemplate('L-1'), 'CreatePrimary createek'],
  ['EK L-2 (tpm2_createek -G ecc)', ekTemplate('L-2'), 'CreatePrimary quote'],
  ['SRK RSA 2048, Provisioning Guidance (zero unique)', srkTemplate(), 'CreatePrimary createprimary'],
  ['SRK RSA 2048, empty unique', srkTemplate({ unique: 'empty' }), 'CreatePrimary loadexternal'],
  ['SRK ECC P-256, empty unique', srkTemplate({ alg: 'ecc-p256', unique: 'empty' }), 'CreatePrimary encodeobject'],
  ...NAME_ALGS.flatMap((nameAlg) =>
    (['rsa', 'ecc', 'keyedhash', 'symcipher'] as const).map((t): [string, TPMT_PUBLIC, string] => [
      `tpm2_createprimary -G ${t} -g 0x${nameAlg.toString(16)}`,
      tpm2ToolsPrimaryTemplate(t, { nameAlg }),
      'CreatePrimary createprimary',
    ]),
  ),
  ...[TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512].map((nameAlg): [string, TPMT_PUBLIC, string] => [
    `tpm2_createprimary -G rsa2048:aes256cfb -g 0x${nameAlg.toString(16)}`,
    srkTemplate({ nameAlg, noDA: false, unique: 'empty', symmetric: aes256 }),
    'CreatePrimary import',
  ]),
  ['AK RSA 2048 RSASSA-SHA256 (tpm2_createak)', akTemplate(), 'Create createak'],
  ['AK ECC P-256 ECDSA-SHA256 (tpm2_createak -G ecc)', akTemplate({ alg: 'ecc-p256' }), 'Create checkquote'],
  ['RSA signing key RSASSA-SHA256', rsaKeyTemplate(), 'Create certify'],
  ...NAME_ALGS.flatMap((nameAlg): [string, TPMT_PUBLIC, string][] => [
    [`tpm2_create -G rsa -g 0x${nameAlg.toString(16)}`, rsaKeyTemplate({ usage: 'sign-decrypt', nameAlg }), 'Create create'],
    [`tpm2_create -G ecc -g 0x${nameAlg.toString(16)}`, eccKeyTemplate({ usage: 'sign-decrypt', nameAlg }), 'Create create'],
    [`tpm2_create -G aes -g 0x${nameAlg.toString(16)}`, symCipherTemplate({ nameAlg, mode: TPM_ALG.NULL }), 'Create create'],
  ]),
  ['ECC ECDAA signing key', eccKeyTemplate({ scheme: TPM_ALG.ECDAA }), 'Create sign'],
  ['ECC ECDH key', eccKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.ECDH }), 'CreateLoaded ecc'],
  ['HMAC key', keyedHashTemplate(), 'Create hmac'],
  ['sealed data', sealedDataTemplate(), 'Create unseal'],
  [
    'sealed data under a policy',
    sealedDataTemplate({ authPolicy: hex('0d84f55daf6e43ac97966e62c9bb989d3397777d25c5f749868055d65394f952') }),
    'Create abrmd_policysecret',
  ],
  ['AES-128-CFB key', symCipherTemplate(), 'Create create'],
  ['AES-128-CBC key', symCipherTemplate({ mode: TPM_ALG.CBC }), 'Create encryptdecrypt'],
  ['AES-256-OFB key', symCipherTemplate({ keyBits: 256, mode: TPM_ALG.OFB }), 'Create create'],
];

describe('templates equal what tpm2-tools sent to swtpm', () => {
  it(`found ${sent.size} distinct inPublic values in successful create commands`, () => {
    expect(sent.size).toBeGreaterThan(50);
  });

  it.each(CASES)('%s', (_what, template, where) => {
    const uses = sent.get(bytesToHex(codec.encode('TPMT_PUBLIC', template)));
    expect(uses, 'not in the transcripts').toBeDefined();
    expect([...uses!]).toContain(where);
  });
});
