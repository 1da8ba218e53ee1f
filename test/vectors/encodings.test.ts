/**
 * Fixed encodings from real traffic, and the response code plus field path the strict codec
 * reports for each kind of bad input.
 */
import { describe, expect, it } from 'vitest';
import { TPM_ALG, TPM_ST, TPMA_OBJECT } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type { TPMS_ATTEST, TPMT_PUBLIC, TPMS_QUOTE_INFO, TPMS_RSA_PARMS, TPMS_SYMCIPHER_PARMS } from '../../src/gen/types.js';
import { createCodec } from '../../src/wire/codec.js';
import { WireError } from '../../src/wire/errors.js';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS });
const lenient = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });

/**
 * The TCG EK Credential Profile template L-1 (RSA 2048), as tpm2_createek sent it in
 * CreatePrimary (test/vectors/transcripts, test "attestation", seq 34): nameAlg SHA-256,
 * attributes 0x000300B2, PolicyA, AES-128-CFB, 2048 bits, exponent 0, 256 zero octets of unique.
 */
const EK_RSA2048_TEMPLATE = hex(
  '0001 000b 000300b2 0020 837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa' +
    '0006 0080 0043 0010 0800 00000000 0100' + '00'.repeat(256),
);

/** TPM2B_ATTEST of a quote from swtpm (test "checkquote", seq 49), without its signature. */
const QUOTE_ATTEST = hex(
  'ff544347 8018 0022 000b6a8472b62a35af6ad2d292102507b78269b8802f5c278bd42cb002fddbd0fbcb' +
    '0014 ed5d2141eac6e56caad46d4add54d3718c86670a' +
    '000000000000012f 00000000 00000000 01' +
    '2019102300163636' +
    '00000001 000b 03 008041' +
    '0020 51cdfd15463a712da38c49e9390d861030e28cf1f19ebe9f5a8b6901a9df64fc',
);

function expectWireError(fn: () => unknown, rc: number, path: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    expect({ rc: (e as WireError).rc, path: (e as WireError).field }).toEqual({ rc, path });
    return;
  }
  throw new Error('expected a WireError');
}

describe('fixed encodings from real traffic', () => {
  it('decodes the TCG RSA 2048 EK template and encodes it back', () => {
    const pub = codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', EK_RSA2048_TEMPLATE);
    expect(pub.type).toBe(TPM_ALG.RSA);
    expect(pub.nameAlg).toBe(TPM_ALG.SHA256);
    expect(pub.objectAttributes).toBe(
      TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.adminWithPolicy | TPMA_OBJECT.restricted | TPMA_OBJECT.decrypt,
    );
    const rsa = pub.parameters as TPMS_RSA_PARMS;
    expect(rsa.symmetric).toEqual({ algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB });
    expect(rsa.scheme).toEqual({ scheme: TPM_ALG.NULL, details: null });
    expect(rsa.keyBits).toBe(2048);
    expect(pub.unique).toEqual(new Uint8Array(256));
    expect(codec.encode('TPMT_PUBLIC', pub)).toEqual(EK_RSA2048_TEMPLATE);
  });

  it('keeps the octets a TPM2B_PUBLIC was decoded from', () => {
    const sized = Uint8Array.from([EK_RSA2048_TEMPLATE.length >> 8, EK_RSA2048_TEMPLATE.length & 0xff, ...EK_RSA2048_TEMPLATE]);
    const v = codec.decode<{ publicArea: TPMT_PUBLIC; bytes: Uint8Array }>('TPM2B_PUBLIC', sized);
    expect(v.bytes).toEqual(EK_RSA2048_TEMPLATE);
    expect(codec.encode('TPM2B_PUBLIC', v)).toEqual(sized);
  });

  it('decodes a TPMS_ATTEST quote and encodes it back', () => {
    const a = codec.decode<TPMS_ATTEST>('TPMS_ATTEST', QUOTE_ATTEST);
    expect(a.magic).toBe(0xff544347);
    expect(a.type).toBe(TPM_ST.ATTEST_QUOTE);
    expect(a.clockInfo).toEqual({ clock: 0x12fn, resetCount: 0, restartCount: 0, safe: 1 });
    expect(a.firmwareVersion).toBe(0x2019102300163636n);
    const q = a.attested as TPMS_QUOTE_INFO;
    expect(q.pcrSelect).toEqual({ pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: Uint8Array.of(0x00, 0x80, 0x41) }] });
    expect(q.pcrDigest.length).toBe(32);
    expect(codec.encode('TPMS_ATTEST', a)).toEqual(QUOTE_ATTEST);
  });

  it('decodes a symmetric object whose mode is left to EncryptDecrypt (TPMI_ALG_SYM_MODE+)', () => {
    const bytes = hex('0025 000b 00060072 0000 0006 0080 0010 0000');
    const pub = codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', bytes);
    expect((pub.parameters as TPMS_SYMCIPHER_PARMS).sym).toEqual({ algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.NULL });
  });
});

describe('strict decoding reports the spec response code and the field', () => {
  const ek = () => EK_RSA2048_TEMPLATE.slice();

  it('TPM_RC_HASH for a NULL nameAlg unless the use allows NULL', () => {
    const b = ek();
    b.set([0x00, 0x10], 2);
    expectWireError(() => codec.decode('TPMT_PUBLIC', b), 0x083, 'nameAlg');
    expect(codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', b, true).nameAlg).toBe(TPM_ALG.NULL);
  });

  it('TPM_RC_TYPE for an unknown object type', () => {
    const b = ek();
    b.set([0x00, 0x99], 0);
    expectWireError(() => codec.decode('TPMT_PUBLIC', b), 0x08a, 'type');
  });

  it('TPM_RC_RESERVED_BITS for reserved object attributes', () => {
    const b = ek();
    b[7] |= 0x01;
    expectWireError(() => codec.decode('TPMT_PUBLIC', b), 0x0a1, 'objectAttributes');
  });

  it('TPM_RC_VALUE for an unsupported key size, with the full path', () => {
    const b = ek();
    b.set([0x00, 0x81], 44); // symmetric.keyBits follows type, nameAlg, attributes, authPolicy, algorithm
    expectWireError(() => codec.decode('TPMT_PUBLIC', b), 0x084, 'parameters.symmetric.keyBits');
  });

  it('TPM_RC_INSUFFICIENT when the input ends early', () => {
    expectWireError(() => codec.decode('TPMT_PUBLIC', EK_RSA2048_TEMPLATE.subarray(0, 100)), 0x09a, 'unique');
  });

  it('TPM_RC_SIZE for octets left over, a size= mismatch and an empty size=', () => {
    expectWireError(() => codec.decode('TPMT_PUBLIC', Uint8Array.from([...EK_RSA2048_TEMPLATE, 0])), 0x095, '');
    const n = EK_RSA2048_TEMPLATE.length + 1;
    expectWireError(() => codec.decode('TPM2B_PUBLIC', Uint8Array.from([n >> 8, n & 0xff, ...EK_RSA2048_TEMPLATE, 0])), 0x095, 'publicArea');
    expectWireError(() => codec.decode('TPM2B_PUBLIC', Uint8Array.of(0, 0)), 0x095, '');
    // A lenient decoder keeps what it does not understand.
    const v = lenient.decode<{ bytes: Uint8Array }>('TPM2B_PUBLIC', Uint8Array.from([n >> 8, n & 0xff, ...EK_RSA2048_TEMPLATE, 0]));
    expect(v.bytes.length).toBe(n);
  });

  it('TPM_RC_SIZE for a digest longer than any hash', () => {
    expectWireError(() => codec.decode('TPM2B_DIGEST', Uint8Array.from([0, 65, ...new Uint8Array(65)])), 0x095, '');
  });

  it('TPM_RC_SIZE for more PCR selections than banks, TPM_RC_VALUE for a short select', () => {
    const tooMany = Uint8Array.from([0, 0, 0, 17, ...new Array(17).fill([0x00, 0x0b, 3, 0, 0, 0]).flat()]);
    expectWireError(() => codec.decode('TPML_PCR_SELECTION', tooMany), 0x095, 'pcrSelections');
    expectWireError(() => codec.decode('TPML_PCR_SELECTION', hex('00000001 000b 02 ffff')), 0x084, 'pcrSelections.[0].sizeofSelect');
  });

  it('TPM_RC_SELECTOR is not reachable through a TPMI selector, but tags are checked', () => {
    // TPMT_TK_CREATION tag must be TPM_ST_CREATION.
    expectWireError(() => codec.decode('TPMT_TK_CREATION', hex('8022 40000001 0000')), 0x097, 'tag');
    expect(codec.decode('TPMT_TK_CREATION', hex('8021 40000001 0000'))).toEqual({ tag: TPM_ST.CREATION, hierarchy: 0x40000001, digest: new Uint8Array(0) });
  });

  it('the profile narrows algorithm interfaces', () => {
    const noSha1 = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, accepts: (type, v) => !(v === TPM_ALG.SHA1 && type === 'TPMI_ALG_HASH') });
    expectWireError(() => noSha1.decode('TPML_PCR_SELECTION', hex('00000001 0004 03 ffffff')), 0x083, 'pcrSelections.[0].hash');
    expect(noSha1.decode('TPML_PCR_SELECTION', hex('00000001 000b 03 ffffff'))).toEqual({ pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: hex('ffffff') }] });
  });
});
