// Secret sharing (TPM 2.0 Part 1 "Secret Sharing"): go-tpm's TPM-validated labeled encapsulation
// vectors both ways, round trips, node:crypto's RSA-OAEP / ECDH as oracles, and the reference's
// response codes.
import { constants, createECDH, privateDecrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes, u16be } from '../../src/crypto/bytes.js';
import { getCurve } from '../../src/crypto/ecc.js';
import { SHA256 } from '../../src/crypto/hash.js';
import { kdfe } from '../../src/crypto/kdf.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPMA_OBJECT } from '../../src/gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT, TPMT_PUBLIC, TPMT_SENSITIVE } from '../../src/gen/types.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { protocolCodec } from '../../src/protocol/keys.js';
import { decryptSecret, encryptSecret, secretLabel } from '../../src/protocol/secret.js';
import {
  ECC_LABELED_ENCAPS,
  eccObject,
  nodeRsaPrivate,
  RSA_LABELED_ENCAPS,
  rsaKey,
  rsaObject,
  scriptedRng,
  seeded,
} from './protocol-fixtures.js';

const h = hexToBytes;
const hex = bytesToHex;
const codec = protocolCodec();

function rcOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.rc;
    throw e;
  }
  return undefined;
}

function decodeVector(v: { publicKey: string; privateKey: string }): { pub: TPMT_PUBLIC; sensitive: TPMT_SENSITIVE } {
  const pubBytes = h(v.publicKey);
  const pub = codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', pubBytes);
  const sensitive = codec.decode<TPMT_SENSITIVE>('TPMT_SENSITIVE', h(v.privateKey));
  // The codec marshals both back to go-tpm's octets.
  expect(hex(codec.encode('TPMT_PUBLIC', pub))).toBe(v.publicKey);
  expect(hex(codec.encode('TPMT_SENSITIVE', sensitive))).toBe(v.privateKey);
  return { pub, sensitive };
}

describe('go-tpm labeled encapsulation known answers (validated on TPMs)', () => {
  for (const v of ECC_LABELED_ENCAPS) {
    it(`ECC ${v.name} ${v.label}`, () => {
      const { pub, sensitive } = decodeVector(v);
      expect(hex(decryptSecret(pub, sensitive, v.label, h(v.ciphertext)))).toBe(v.secret);
      // Encapsulation with the same ephemeral key: eccGenerateKey reduces byteLength + 8 random
      // octets c to d = (c mod (n-1)) + 1, so c = d - 1 yields it.
      const curve = getCurve((pub.parameters as TPMS_ECC_PARMS).curveID)!;
      const c = bigintToBytes(bytesToBigint(h(v.ephemeralPrivate!)) - 1n, curve.byteLength + 8);
      const out = encryptSecret(pub, v.label, scriptedRng(c));
      expect(hex(out.seed)).toBe(v.secret);
      expect(hex(out.encryptedSecret)).toBe(v.ciphertext);
    });
  }
  for (const v of RSA_LABELED_ENCAPS) {
    it(`RSA ${v.name} ${v.label}`, () => {
      const { pub, sensitive } = decodeVector(v);
      expect(hex(decryptSecret(pub, sensitive, v.label, h(v.ciphertext)))).toBe(v.secret);
      const out = encryptSecret(pub, v.label, scriptedRng(h(v.secret), h(v.oaepSalt!)));
      expect(hex(out.seed)).toBe(v.secret);
      expect(hex(out.encryptedSecret)).toBe(v.ciphertext);
    });
  }
});

describe('RSA 2048 secret sharing', () => {
  const ek = rsaObject(rsaKey(2048, 'secret'));
  const nodeKey = nodeRsaPrivate(ek.key);

  it('round trip; node:crypto privateDecrypt (OAEP-SHA256, label with its zero octet) finds the same seed', () => {
    const rng = seeded('rsa secret');
    for (const label of ['SECRET', 'DUPLICATE', 'IDENTITY']) {
      const { seed, encryptedSecret } = encryptSecret(ek.pub, label, rng);
      expect(seed.length).toBe(32);
      expect(encryptedSecret.length).toBe(256);
      expect(decryptSecret(ek.pub, ek.sensitive, label, encryptedSecret)).toEqual(seed);
      const theirs = privateDecrypt(
        { key: nodeKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label + '\0') },
        encryptedSecret,
      );
      expect(new Uint8Array(theirs)).toEqual(seed);
    }
  });

  it('uses the OAEP hash of an OAEP-scheme key, and the TPM codes for bad input', () => {
    const rng = seeded('rsa secret 2');
    const oaep384 = rsaObject(ek.key, {
      attributes: TPMA_OBJECT.decrypt | TPMA_OBJECT.userWithAuth,
      scheme: { scheme: TPM_ALG.OAEP, details: { hashAlg: TPM_ALG.SHA384 } },
    });
    const s = encryptSecret(oaep384.pub, 'SECRET', rng);
    expect(s.seed.length).toBe(48);
    const theirs = privateDecrypt(
      { key: nodeKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha384', oaepLabel: Buffer.from('SECRET\0') },
      s.encryptedSecret,
    );
    expect(new Uint8Array(theirs)).toEqual(s.seed);
    expect(decryptSecret(oaep384.pub, oaep384.sensitive, 'SECRET', s.encryptedSecret)).toEqual(s.seed);

    const { encryptedSecret } = encryptSecret(ek.pub, 'SECRET', rng);
    expect(rcOf(() => decryptSecret(ek.pub, ek.sensitive, 'IDENTITY', encryptedSecret))).toBe(TPM_RC.VALUE); // label
    expect(rcOf(() => decryptSecret(ek.pub, ek.sensitive, 'SECRET', encryptedSecret.subarray(1)))).toBe(TPM_RC.SIZE);
    expect(rcOf(() => decryptSecret(ek.pub, ek.sensitive, 'SECRET', new Uint8Array(256).fill(0xff)))).toBe(TPM_RC.SIZE); // >= n
    const rsaes = rsaObject(ek.key, {
      attributes: TPMA_OBJECT.decrypt,
      scheme: { scheme: TPM_ALG.RSAES, details: null },
    });
    expect(rcOf(() => decryptSecret(rsaes.pub, rsaes.sensitive, 'SECRET', encryptedSecret))).toBe(TPM_RC.SCHEME);
    const signer = rsaObject(ek.key, { attributes: TPMA_OBJECT.sign_encrypt });
    expect(rcOf(() => encryptSecret(signer.pub, 'SECRET', rng))).toBe(TPM_RC.ATTRIBUTES);
  });

  it('secretLabel appends one zero octet', () => {
    expect(hex(secretLabel('IDENTITY'))).toBe(hex(concatBytes(new TextEncoder().encode('IDENTITY'), Uint8Array.of(0))));
    expect(secretLabel('SECRET\0').length).toBe(7);
  });
});

describe('ECC secret sharing', () => {
  it('P-256 round trip; Z recomputed with node:crypto ECDH gives the same seed', () => {
    const ek = eccObject(TPM_ECC.NIST_P256, 'secret');
    const rng = seeded('ecc secret');
    const { seed, encryptedSecret } = encryptSecret(ek.pub, 'IDENTITY', rng);
    expect(decryptSecret(ek.pub, ek.sensitive, 'IDENTITY', encryptedSecret)).toEqual(seed);
    const q = codec.decode<TPMS_ECC_POINT>('TPMS_ECC_POINT', encryptedSecret);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(bigintToBytes(ek.d, 32));
    const z = new Uint8Array(ecdh.computeSecret(Buffer.from(concatBytes(Uint8Array.of(4), q.x, q.y))));
    const { x } = ek.pub.unique as TPMS_ECC_POINT;
    expect(kdfe(SHA256, z, 'IDENTITY', q.x, x, 256)).toEqual(seed);
  });

  it('SM2_P256 (nameAlg SM3) and P-384 / P-521 round trips', () => {
    const rng = seeded('ecc secret 2');
    for (const curve of [TPM_ECC.SM2_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521]) {
      const ek = eccObject(curve, 'secret');
      for (const label of ['SECRET', 'DUPLICATE']) {
        const { seed, encryptedSecret } = encryptSecret(ek.pub, label, rng);
        expect(decryptSecret(ek.pub, ek.sensitive, label, encryptedSecret)).toEqual(seed);
        expect(decryptSecret(ek.pub, ek.sensitive, label === 'SECRET' ? 'DUPLICATE' : 'SECRET', encryptedSecret)).not.toEqual(seed);
      }
    }
  });

  it('response codes of the reference CryptSecretDecrypt / CryptSecretEncrypt', () => {
    const ek = eccObject(TPM_ECC.NIST_P256, 'secret');
    const rng = seeded('ecc secret 3');
    const { encryptedSecret } = encryptSecret(ek.pub, 'SECRET', rng);
    const q = codec.decode<TPMS_ECC_POINT>('TPMS_ECC_POINT', encryptedSecret);
    const offCurve = codec.encode('TPMS_ECC_POINT', { x: q.x, y: Uint8Array.from(q.y, (b, i) => (i === 31 ? b ^ 1 : b)) });
    expect(rcOf(() => decryptSecret(ek.pub, ek.sensitive, 'SECRET', offCurve))).toBe(TPM_RC.ECC_POINT);
    expect(rcOf(() => decryptSecret(ek.pub, ek.sensitive, 'SECRET', encryptedSecret.subarray(0, 40)))).toBe(TPM_RC.INSUFFICIENT);
    const tooBig = concatBytes(u16be(67), new Uint8Array(67), u16be(0));
    expect(rcOf(() => decryptSecret(ek.pub, ek.sensitive, 'SECRET', tooBig))).toBe(TPM_RC.SIZE);
    // octets after the point are ignored, as in the reference
    expect(decryptSecret(ek.pub, ek.sensitive, 'SECRET', concatBytes(encryptedSecret, Uint8Array.of(1, 2)))).toEqual(
      decryptSecret(ek.pub, ek.sensitive, 'SECRET', encryptedSecret),
    );
    const bad: TPMT_PUBLIC = { ...ek.pub, unique: { x: q.x, y: new Uint8Array(32) } };
    expect(rcOf(() => encryptSecret(bad, 'SECRET', rng))).toBe(TPM_RC.KEY);
  });
});
