/**
 * DER (src/attest/der.ts) and X.509 (src/attest/x509.ts): encodings against X.690 examples,
 * strict decoding, certificates built and parsed back, and the independent parsers/verifiers —
 * `openssl x509 -text`, `openssl verify`, node:crypto X509Certificate — on CA and EK / platform /
 * IAK certificates for ECDSA, RSA and SM2-with-SM3 signers; CAs made by openssl loaded with loadCa.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DerError,
  derBitString,
  derBoolean,
  derDecode,
  derExplicit,
  derGeneralizedTime,
  derImplicit,
  derInteger,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derPrintableString,
  derSequence,
  derSet,
  derTime,
  derUnsignedInteger,
  derUtcTime,
  derUtf8String,
  readBitString,
  readBoolean,
  readInteger,
  readNamedBits,
  readOid,
  readString,
  readTime,
  readUnsignedInteger,
} from '../../src/attest/der.js';
import {
  OID,
  X509Error,
  base64Decode,
  base64Encode,
  certificatePublicMatches,
  createCa,
  ekCertificate,
  encodeSpki,
  loadCa,
  parseCertificate,
  parsePrivateKey,
  pemEncode,
  publicKeyFromTpmt,
  tcgCertificateInfo,
  tpmCertificate,
  verifyCertificate,
  type Ca,
  type CaKeyAlg,
} from '../../src/attest/x509.js';
import { ekTemplate, iakTemplate, type EkTemplateId } from '../../src/client/templates.js';
import { TPM_RH } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { HAVE_OPENSSL } from '../interop/tools.js';
import { startedTpm, toHex } from '../helpers/tpm.js';

const hex = (b: Uint8Array) => toHex(b);
const EMPTY = new Uint8Array(0);
const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');

const work = mkdtempSync(join(tmpdir(), 'vtpm-x509-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(work, name), content);
  return join(work, name);
};
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('DER writer: X.690 encodings', () => {
  it('INTEGER: minimal two’s complement, unsigned octets with a sign octet', () => {
    const cases: [bigint | number, string][] = [
      [0, '020100'],
      [127, '02017f'],
      [128, '02020080'],
      [256, '02020100'],
      [-1, '0201ff'],
      [-128, '020180'],
      [-129, '0202ff7f'],
      [2n ** 64n, '0209010000000000000000'],
    ];
    for (const [v, enc] of cases) {
      expect(hex(derInteger(v))).toBe(enc);
      expect(readInteger(derDecode(derInteger(v)))).toBe(BigInt(v));
    }
    expect(hex(derUnsignedInteger(Uint8Array.of(0, 0, 0x80, 1)))).toBe('0203008001');
    expect(hex(derUnsignedInteger(EMPTY))).toBe('020100');
    expect(hex(readUnsignedInteger(derDecode(derUnsignedInteger(Uint8Array.of(0xff)))))).toBe('ff');
  });

  it('OBJECT IDENTIFIER from dotted text (X.690 8.19 example and TCG arcs)', () => {
    expect(hex(derOid('1.2.840.113549'))).toBe('06062a864886f70d');
    expect(hex(derOid('2.23.133.8.1'))).toBe('0605678105080' + '1');
    expect(hex(derOid('2.999.3'))).toBe('0603883703');
    for (const o of ['1.2.156.10197.1.501', '2.5.29.17', '1.3.6.1.5.5.7.8.4', '0.39', '2.23.133.2.16']) expect(readOid(derDecode(derOid(o)))).toBe(o);
    expect(() => derOid('1.40')).toThrow(DerError);
    expect(() => derOid('3.1')).toThrow(DerError);
    expect(() => derOid('1.02')).toThrow(DerError);
  });

  it('times: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    expect(new TextDecoder().decode(derTime(new Date('2049-12-31T23:59:59Z')).subarray(2))).toBe('491231235959Z');
    expect(derTime(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17);
    expect(derTime(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(new TextDecoder().decode(derTime(new Date('9999-12-31T23:59:59Z')).subarray(2))).toBe('99991231235959Z');
    for (const d of ['1950-01-01T00:00:00Z', '2025-06-30T12:34:56Z', '2050-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
      expect(readTime(derDecode(derTime(new Date(d)))).toISOString()).toBe(new Date(d).toISOString());
    }
    expect(readTime(derDecode(derGeneralizedTime(new Date('0099-03-04T05:06:07Z')))).toISOString()).toBe('0099-03-04T05:06:07.000Z');
    expect(() => derUtcTime(new Date('2050-01-01T00:00:00Z'))).toThrow(DerError);
    expect(() => derTime(new Date('2025-01-01T00:00:00.5Z'))).toThrow(DerError);
  });

  it('strings, BOOLEAN, NULL, BIT STRING named bits, SET ordering, context tags', () => {
    expect(hex(derBoolean(true))).toBe('0101ff');
    expect(hex(derNull())).toBe('0500');
    expect(readString(derDecode(derUtf8String('TPM 2.0 — vtpm')))).toBe('TPM 2.0 — vtpm');
    expect(hex(derPrintableString('US'))).toBe('13025553');
    expect(() => derPrintableString('a@b')).toThrow(DerError);
    // keyUsage keyCertSign|cRLSign = bits 5, 6: 03 02 01 06 (X.690 11.2.2 trailing zero bits removed)
    expect(hex(derNamedBits([5, 6]))).toBe('03020106');
    expect(hex(derNamedBits([2]))).toBe('03020520');
    expect(hex(derNamedBits([0, 8]))).toBe('0303078080');
    expect(readNamedBits(derDecode(derNamedBits([0, 4, 8])))).toEqual([0, 4, 8]);
    expect(hex(derSet(derInteger(2), derInteger(1)))).toBe('3106020101020102');
    expect(hex(derExplicit(3, derNull()))).toBe('a3020500');
    expect(hex(derImplicit(0, derOctetString(Uint8Array.of(1, 2))))).toBe('80020102');
    expect(hex(derImplicit(4, derSequence()))).toBe('a400');
    const long = derOctetString(new Uint8Array(300));
    expect(hex(long.subarray(0, 4))).toBe('0482012c');
    expect(readBitString(derDecode(derBitString(Uint8Array.of(0xa0), 5)))).toEqual({ unusedBits: 5, bytes: Uint8Array.of(0xa0) });
  });

  it('nested structures round-trip with offsets and raw encodings', () => {
    const enc = derSequence(derInteger(5), derSequence(derOid('2.5.29.19'), derBoolean(true)), derExplicit(0, derUtf8String('x')));
    const n = derDecode(enc);
    expect(n.children).toHaveLength(3);
    expect(readInteger(n.children[0])).toBe(5n);
    expect(readOid(n.children[1].children[0])).toBe('2.5.29.19');
    expect(readBoolean(n.children[1].children[1])).toBe(true);
    expect(n.children[2].tagClass).toBe(2);
    expect(readString(n.children[2].children[0])).toBe('x');
    expect(hex(n.children[1].raw)).toBe(hex(derSequence(derOid('2.5.29.19'), derBoolean(true))));
    expect(n.children[1].offset).toBe(5);
  });

  it('the reader is strict: non-minimal lengths and integers, indefinite lengths, trailing octets, bad BOOLEAN/BIT STRING', () => {
    const bad = [
      '30', // truncated
      '3004020101', // value runs past
      '02810101', // non-minimal length
      '3080020101' + '0000', // indefinite
      '0202007f', // non-minimal INTEGER
      '0202ff80', // non-minimal negative INTEGER
      '020100' + '00', // trailing octet
      '010101', // BOOLEAN not 00/FF
      '030108', // BIT STRING unused bits > 7
      '03020701', // unused bits not zero
      '050100', // NULL with content
      '0602808f', // non-minimal OID arc
      '1f0100', // high tag number
      '2403040100', // constructed OCTET STRING
      '1000', // primitive SEQUENCE
    ];
    for (const h of bad) expect(() => derDecode(Uint8Array.from(Buffer.from(h, 'hex'))), h).toThrow(DerError);
  });

  it('base64 and PEM agree with the platform encoder', () => {
    for (let n = 0; n < 70; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(base64Encode(b)).toBe(Buffer.from(b).toString('base64'));
      expect(hex(base64Decode(Buffer.from(b).toString('base64')))).toBe(hex(b));
    }
    expect(() => base64Decode('abc')).toThrow(X509Error);
    expect(() => base64Decode('ab=c')).toThrow(X509Error);
    const pem = pemEncode('CERTIFICATE', new Uint8Array(100));
    expect(pem.split('\n')[1]).toHaveLength(64);
  });
});

// Real TPM keys: the EKs of a seeded TPM (and an IAK), the keys certificates are made for.
const keys: Partial<Record<EkTemplateId | 'iak', TPMT_PUBLIC>> = {};
beforeAll(async () => {
  const tpm2 = await startedTpm();
  const tcm2 = await startedTpm({ profile: 'tcm2' });
  const create = async (c: typeof tpm2, t: TPMT_PUBLIC) =>
    (await c.client.run('CreatePrimary', { primaryHandle: TPM_RH.ENDORSEMENT, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: t }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } })).outPublic.publicArea;
  keys['L-1'] = await create(tpm2, ekTemplate('L-1'));
  keys['L-2'] = await create(tpm2, ekTemplate('L-2'));
  keys['H-3'] = await create(tpm2, ekTemplate('H-3'));
  keys['H-5'] = await create(tcm2, ekTemplate('H-5'));
  keys.iak = await create(tpm2, iakTemplate({ alg: 'ecc-p256' }));
});

const info = { manufacturer: 0x5654504d, model: 'vtpm TPM 2.0', version: [0x20261123, 0x00010000], specRevision: 159, notBefore: NOT_BEFORE };
const cas = new Map<CaKeyAlg, Ca>();
const caOf = (alg: CaKeyAlg) => {
  let ca = cas.get(alg);
  if (!ca) cas.set(alg, (ca = createCa({ keyAlg: alg, seed: 'x509 test CA ' + alg, notBefore: NOT_BEFORE })));
  return ca;
};

describe('certificates built and parsed back', () => {
  it('a CA certificate: self-signed v3, CA:TRUE, keyCertSign|cRLSign, SKI = AKI; deterministic for a seed', () => {
    for (const alg of ['ecc-p256', 'ecc-p384', 'rsa2048', 'sm2-p256'] as const) {
      const ca = caOf(alg);
      const c = parseCertificate(ca.certificate);
      expect(c.version).toBe(3);
      expect(c.issuer.text).toBe('CN=vtpm EK CA, O=vtpm');
      expect(hex(c.issuer.der)).toBe(hex(c.subject.der));
      expect(c.validity.notBefore.toISOString()).toBe(NOT_BEFORE.toISOString());
      expect(c.validity.notAfter.toISOString()).toBe('9999-12-31T23:59:59.000Z');
      const t = tcgCertificateInfo(c);
      expect(t.basicConstraints).toEqual({ ca: true, critical: true });
      expect(t.keyUsage).toEqual([5, 6]);
      expect(verifyCertificate(c, c)).toBe(true);
      expect(hex(createCa({ keyAlg: alg, seed: 'x509 test CA ' + alg, notBefore: NOT_BEFORE }).certificate)).toBe(hex(ca.certificate));
      // The key PEM reads back to the same key.
      expect(hex(encodeSpki(signerPublic(parsePrivateKey(ca.keyPem()))))).toBe(hex(c.spki.der));
    }
    expect(parseCertificate(caOf('sm2-p256').certificate).signatureAlgorithmName).toBe('sm2-sm3');
    expect(parseCertificate(caOf('ecc-p384').certificate).signatureAlgorithmName).toBe('ecdsa-sha384');
  });

  it('an EK certificate has the EK Credential Profile content', () => {
    const ca = caOf('ecc-p256');
    for (const id of ['L-1', 'L-2', 'H-3', 'H-5'] as const) {
      const der = ekCertificate({ ekPublic: keys[id]!, ca, ...info });
      const c = parseCertificate(der);
      expect(c.subject.attributes).toEqual([]);
      expect(hex(c.issuer.der)).toBe(hex(parseCertificate(ca.certificate).subject.der));
      expect(c.serial > 0n && c.serial < 2n ** 127n).toBe(true);
      expect(verifyCertificate(c, ca.certificate)).toBe(true);
      expect(certificatePublicMatches(c, keys[id]!)).toBe(true);
      expect(certificatePublicMatches(c, keys[id === 'L-1' ? 'L-2' : 'L-1']!)).toBe(false);
      const t = tcgCertificateInfo(c);
      expect(t).toMatchObject({
        manufacturer: 'id:5654504D',
        model: 'vtpm TPM 2.0',
        version: 'id:20261123',
        specification: { family: '2.0', level: 0, revision: 159 },
        extKeyUsage: [OID.ekCertificate],
        basicConstraints: { ca: false, critical: true },
        sanCritical: true,
      });
      expect(t.keyUsage).toEqual([id === 'L-1' ? 2 : 4]); // keyEncipherment (RSA), keyAgreement (ECC)
      const aki = c.extensions.find((e) => e.oid === OID.authorityKeyIdentifier)!;
      expect(hex(aki.node!.children[0].value)).toBe(hex(ca.keyId));
      expect(c.extensions.map((e) => [e.oid, e.critical])).toEqual([
        [OID.subjectAltName, true],
        [OID.basicConstraints, true],
        [OID.subjectDirectoryAttributes, false],
        [OID.authorityKeyIdentifier, false],
        [OID.keyUsage, true],
        [OID.extKeyUsage, false],
      ]);
      expect(c.spki.key).toEqual(publicKeyFromTpmt(keys[id]!));
      // Deterministic: same inputs, same octets (RFC 6979 ECDSA, serial derived from CA and key).
      expect(hex(ekCertificate({ ekPublic: keys[id]!, ca, ...info }))).toBe(hex(der));
    }
    const rsa = parseCertificate(ekCertificate({ ekPublic: keys['L-1']!, ca, ...info }));
    expect(rsa.spki.algorithm).toBe(OID.rsaEncryption);
    expect(rsa.spki.key).toMatchObject({ kind: 'rsa', e: 65537n });
    expect(parseCertificate(ekCertificate({ ekPublic: keys['H-5']!, ca, ...info })).spki.curve).toBe(OID.sm2);
  });

  it('verification fails for a changed TBS, signature or issuer', () => {
    const ca = caOf('ecc-p256');
    const der = ekCertificate({ ekPublic: keys['L-2']!, ca, ...info });
    const c = parseCertificate(der);
    const flipped = der.slice();
    flipped[c.tbs.byteOffset - der.byteOffset + c.tbs.length - 1] ^= 1; // the TBS's last octet (the extKeyUsage OID)
    expect(verifyCertificate(flipped, ca.certificate)).toBe(false);
    const sigFlip = der.slice();
    sigFlip[sigFlip.length - 5] ^= 1;
    expect(verifyCertificate(sigFlip, ca.certificate)).toBe(false);
    expect(verifyCertificate(der, caOf('rsa2048').certificate)).toBe(false);
    expect(verifyCertificate(der, der)).toBe(false);
  });

  it('platform and IAK certificates', () => {
    const ca = caOf('rsa2048');
    const p = tcgCertificateInfo(tpmCertificate({ kind: 'platform', ekPublic: keys['L-1']!, ca, ...info, platform: { manufacturer: 'vtpm', model: 'sim', version: '1' } }));
    expect(p).toMatchObject({ platformManufacturer: 'vtpm', platformModel: 'sim', platformVersion: '1', extKeyUsage: [OID.platformCertificate] });
    const iak = parseCertificate(tpmCertificate({ kind: 'iak', ekPublic: keys.iak!, ca, notBefore: NOT_BEFORE, hwSerialNum: 'VTPM:00:01' }));
    const t = tcgCertificateInfo(iak);
    expect(t.hardwareModule?.hwType).toBe(OID.tpm2HwType);
    expect(new TextDecoder().decode(t.hardwareModule!.hwSerialNum)).toBe('VTPM:00:01');
    expect(t.keyUsage).toEqual([0]);
    expect(t.extKeyUsage).toEqual([OID.aikCertificate]);
    expect(verifyCertificate(iak, ca.certificate)).toBe(true);
    expect(() => tpmCertificate({ kind: 'iak', ekPublic: keys.iak!, ca })).toThrow(/hwSerialNum/);
    expect(() => ekCertificate({ ekPublic: keys['L-1']!, ca })).toThrow(/version/);
  });

  it('parseCertificate refuses malformed certificates', () => {
    const der = caOf('ecc-p256').certificate;
    expect(() => parseCertificate(der.subarray(0, der.length - 1))).toThrow(X509Error);
    expect(() => parseCertificate(Uint8Array.from([...der, 0]))).toThrow(X509Error);
    expect(() => parseCertificate(derSequence(derInteger(1)))).toThrow(X509Error);
  });
});

function signerPublic(k: ReturnType<typeof parsePrivateKey>) {
  return k.kind === 'rsa' ? { kind: 'rsa' as const, n: k.key.n, e: k.key.e } : { kind: 'ec' as const, curve: k.curve, x: k.x, y: k.y };
}

describe.skipIf(!HAVE_OPENSSL)('openssl and node:crypto read and verify the certificates', () => {
  for (const alg of ['ecc-p256', 'ecc-p384', 'rsa2048', 'sm2-p256'] as const) {
    it(`${alg} CA: openssl x509 -text shows the TCG fields; openssl verify passes${alg === 'sm2-p256' ? ' (with the GM/T default ID)' : ''}`, () => {
      const ca = caOf(alg);
      const caPem = file(`ca-${alg}.pem`, ca.pem());
      for (const id of ['L-1', 'L-2', 'H-5'] as const) {
        const ek = file(`ek-${alg}-${id}.pem`, pemEncode('CERTIFICATE', ekCertificate({ ekPublic: keys[id]!, ca, ...info })));
        const text = openssl('x509', '-in', ek, '-noout', '-text');
        expect(text).toMatch(/X509v3 Subject Alternative Name: critical\s+DirName:\/2\.23\.133\.2\.1=id:5654504D\/2\.23\.133\.2\.2=vtpm TPM 2\.0\/2\.23\.133\.2\.3=id:20261123/);
        expect(text).toMatch(/X509v3 Extended Key Usage:\s+2\.23\.133\.8\.1/);
        expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
        expect(text).toMatch(/X509v3 Subject Directory Attributes/);
        expect(text).toMatch(/X509v3 Key Usage: critical\s+Key (Encipherment|Agreement)/);
        expect(text).toMatch(/Not After : Dec 31 23:59:59 9999 GMT/);
        // OpenSSL 3.0 verifies SM2 certificates with an empty ID unless told the GM/T 0009 default.
        const sm2 = alg === 'sm2-p256' ? ['-vfyopt', 'distid:1234567812345678'] : [];
        expect(openssl('verify', ...sm2, '-CAfile', caPem, ek)).toMatch(/: OK/);
      }
      // The key PEM is PKCS #8 openssl reads; its public key is the certificate's.
      const keyPem = file(`ca-${alg}.key`, ca.keyPem());
      expect(openssl('pkey', '-in', keyPem, '-pubout')).toBe(openssl('x509', '-in', caPem, '-noout', '-pubkey'));
    });
  }

  it('node:crypto X509Certificate parses the certificates and verifies ECDSA and RSA signatures', () => {
    for (const alg of ['ecc-p256', 'ecc-p384', 'rsa2048'] as const) {
      const ca = new X509Certificate(caOf(alg).pem());
      expect(ca.ca).toBe(true);
      expect(ca.verify(ca.publicKey)).toBe(true);
      for (const id of ['L-1', 'L-2', 'H-3'] as const) {
        const ek = new X509Certificate(Buffer.from(ekCertificate({ ekPublic: keys[id]!, ca: caOf(alg), ...info })));
        expect(ek.verify(ca.publicKey)).toBe(true);
        expect(ek.checkIssued(ca)).toBe(true);
        expect(ek.subject ?? '').toBe('');
        expect(ek.ca).toBe(false);
        expect(ek.keyUsage ?? []).toContain('2.23.133.8.1');
        expect(ek.subjectAltName).toMatch(/DirName:/);
        const spki = ek.publicKey.export({ format: 'der', type: 'spki' });
        expect(hex(new Uint8Array(spki))).toBe(hex(encodeSpki(publicKeyFromTpmt(keys[id]!))));
      }
    }
  });

  const opensslCas: [string, string[], string[]][] = [
    ['EC P-256 (PKCS#8)', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'], []],
    ['EC P-384 (SEC 1 "EC PRIVATE KEY")', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes'], ['ec', '-outform', 'PEM']],
    ['RSA 2048 (PKCS#8)', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes'], []],
    ['RSA 2048 (PKCS#1 "RSA PRIVATE KEY")', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes'], ['rsa', '-traditional']],
  ];
  for (const [name, req, convert] of opensslCas) {
    it(`a CA made by openssl (${name}) loads with loadCa and signs an EK certificate openssl verifies`, () => {
      const tag = name.replace(/\W+/g, '_');
      const keyPath = join(work, `o-${tag}.key`);
      const certPath = join(work, `o-${tag}.pem`);
      openssl(...req, '-keyout', keyPath, '-out', certPath, '-subj', '/CN=openssl EK CA/O=test', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
      if (convert.length) {
        const converted = openssl(...convert, '-in', keyPath);
        writeFileSync(keyPath, converted);
        expect(converted).toMatch(convert[0] === 'ec' ? /BEGIN EC PRIVATE KEY/ : /BEGIN RSA PRIVATE KEY/);
      }
      const ca = loadCa(readFileSync(certPath, 'utf8'), readFileSync(keyPath, 'utf8'));
      expect(hex(ca.keyId)).toBe(openssl('x509', '-in', certPath, '-noout', '-ext', 'subjectKeyIdentifier').split('\n')[1].trim().replace(/:/g, '').toLowerCase());
      const ek = file(`o-${tag}-ek.pem`, pemEncode('CERTIFICATE', ekCertificate({ ekPublic: keys['L-2']!, ca, ...info })));
      expect(openssl('verify', '-CAfile', certPath, ek)).toMatch(/: OK/);
      expect(verifyCertificate(readFileSync(ek, 'utf8'), readFileSync(certPath, 'utf8'))).toBe(true);
    });
  }

  it('an SM2 CA made by openssl loads; its EK certificate verifies with the default ID', () => {
    const keyPath = join(work, 'o-sm2.key');
    const certPath = join(work, 'o-sm2.pem');
    openssl('genpkey', '-algorithm', 'SM2', '-out', keyPath);
    openssl('req', '-x509', '-new', '-key', keyPath, '-sm3', '-out', certPath, '-subj', '/CN=openssl SM2 CA', '-days', '3650');
    const ca = loadCa(readFileSync(certPath, 'utf8'), readFileSync(keyPath, 'utf8'));
    expect(ca.signer.algorithm).toBe('sm2-sm3');
    const ek = file('o-sm2-ek.pem', pemEncode('CERTIFICATE', ekCertificate({ ekPublic: keys['H-5']!, ca, ...info, specRevision: 164 })));
    expect(openssl('verify', '-vfyopt', 'distid:1234567812345678', '-CAfile', certPath, ek)).toMatch(/: OK/);
    expect(verifyCertificate(readFileSync(ek, 'utf8'), ca.certificate)).toBe(true);
    // OpenSSL 3.0 signed its own self-signed certificate with an empty SM2 ID.
    expect(verifyCertificate(ca.certificate, ca.certificate)).toBe(false);
    expect(verifyCertificate(ca.certificate, ca.certificate, { sm2Id: new Uint8Array(0) })).toBe(true);
  });

  it('loadCa refuses a key that is not the certificate’s and encrypted keys', () => {
    expect(() => loadCa(caOf('ecc-p256').pem(), caOf('ecc-p384').keyPem())).toThrow(/does not match/);
    const enc = join(work, 'enc.key');
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-128-cbc', '-pass', 'pass:x', '-out', enc);
    expect(() => loadCa(caOf('ecc-p256').pem(), readFileSync(enc, 'utf8'))).toThrow(/encrypted/);
  });
});
