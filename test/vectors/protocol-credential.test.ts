// Credential protection (TPM 2.0 Part 1 "Credential Protection"): go-tpm's credential activation
// known answers, the Keylime algorithm (shared/reference/attestation.md §9) re-implemented with
// node:crypto as verifier-side oracle, round trips and the reference's response codes.
import { constants, createHmac, createPublicKey, privateDecrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, u16be } from '../../src/crypto/bytes.js';
import { getCurve } from '../../src/crypto/ecc.js';
import { SHA256 } from '../../src/crypto/hash.js';
import { oaepEncrypt } from '../../src/crypto/rsa.js';
import { TPM_ALG, TPM_ECC, TPM_RC } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { activateCredential, credentialToSecret, makeCredential, secretToCredential } from '../../src/protocol/credential.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { publicName, rsaPublicKeyOf } from '../../src/protocol/keys.js';
import { tpm2b, wrapOuter } from '../../src/protocol/protection.js';
import { encryptSecret, secretLabel } from '../../src/protocol/secret.js';
import {
  AES128_CFB,
  eccObject,
  nodeCfbDecrypt,
  nodeKdfa,
  nodeRsaPrivate,
  rsaKey,
  rsaObject,
  scriptedRng,
  seeded,
  SIGN_ATTRS,
  SM4_CFB,
  STORAGE_ATTRS,
} from './protocol-fixtures.js';

const hex = bytesToHex;
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function caught(fn: () => unknown): ProtocolError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  return undefined;
}

// google/go-tpm legacy/tpm2/credactivation/credential_activation_test.go (Apache-2.0) at
// 9312d3e6167688d822d8fc22e12f211436bb9231: EK public keys, the AK Name digest (SHA-256), the
// credential, and the expected TPM2B(credentialBlob) ‖ TPM2B(secret) with an all-zero random source.
const GO_ECC_EK = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsIfixqsUp8cJBSeYDhJKCZ32eAHF
3rS7HdTMOnoFj1MrX+PutPTxa6SFdhWGLnhEQyfcwRni8veQX/dSP2on2w==
-----END PUBLIC KEY-----`;
const GO_RSA_EK = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArIqmuAvuIcakIEPd2hZl
avob21ehQ7zaHduJQNbNuKVSc1HTlvw9DkWN03b0SktcRIfsjw/omqPl60RhCx0j
qxsYnf5Gk4jhfCnUeQVicAqHnUGrKjMkLIGTZVOpyqBEXHsdhugw6M5HVIKyfwNO
KhvLZKRH8JkvtElVhLQ6E2+H83XoSpkt9oCnGPyN2Z5qRP+fhQiRylMCD8Rz8ABn
YVqGBBrG+2cBt/0uFLjxHx2mm/4sI/1scG5xrcrDLva9WZB40MehW5VlS6Fwqq05
dKtLGpk7ludjH38m2zhM5/UdKZ34skJaS/Aiyj+P5AT1BpJL2ZtjCbBdnMDUSbRF
1QIDAQAB
-----END PUBLIC KEY-----`;
const GO_AK_NAME = concatBytes(u16be(TPM_ALG.SHA256), b64('5snpf9qRfKD2Tb72eLAZqC/a/MyUhg+IvdwDZkTJK9w='));
const GO_CREDENTIAL = b64('AQIDBAUGBwgBAgMEBQYHCAECAwQFBgcIAQIDBAUGBwg=');
const GO_ECC_EXPECTED =
  'AEQAIE4SquOcMAzLi7f3ru6P8nuIpSmzr8OTACXpzLo3PTOe/oBazv+fZF2JiKDZqNPNeHISCsZMdEtEfvyYjqmzZ/CB7ABEACAeGDfvDRlRiDV1cbXlVFsSLo8JZ/2nJCA+slYczpcoXgAg+CstT57xB59sS1uDVuIyQulYttdJprVoGkEDVmvcWok=';
const GO_RSA_EXPECTED =
  'AEQAIFjKZAUo3Wmgxu+CqHFzsQZr7BqawtprBmpXpZa77nb5S+iN6IcSPQLCKPZMNuunv7BIb4/VJA/xjMrj8RnQbjspCwEAJcQogjACOfStYTVjmR4p61ZbTTRt7ZNG5nc6iifq+TfnyfoU+E3T6Kount4M8fSUdMWlKx5A24Ms4ndi1VYOA+s4inPusyn1X1ZCHe5tNwT1E9jpVxc0jaUAVad6Q5cOgUyAp4qvc8wmaYXcIa/PzVfa6teF4iXxNqVDAYqpdmbP68v0Hk5gRqCa/tHAdg5avE3C20DP1SSvPitumWROL6mHMooVxjsyjPnHEBLo7y/BKwezEO/15xnBvPOvWs7ARIu1KdER+zrCJX9SMCPbn4cVMfLdrX70xko7XjdhV7pXtAeUeKmmKSYE45m5ZN0h83YgHXGDjf+ynWse10okyA==';

/** A TCG-EK-like public area (SHA-256, AES-128-CFB, restricted decryption) for a JWK key. */
function ekFromPem(pem: string): TPMT_PUBLIC {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const common = { nameAlg: TPM_ALG.SHA256, objectAttributes: STORAGE_ATTRS, authPolicy: new Uint8Array(0) };
  if (jwk.kty === 'EC') {
    return {
      ...common,
      type: TPM_ALG.ECC,
      parameters: { symmetric: AES128_CFB, scheme: { scheme: TPM_ALG.NULL, details: null }, curveID: TPM_ECC.NIST_P256, kdf: { scheme: TPM_ALG.NULL, details: null } },
      unique: { x: b64(jwk.x!), y: b64(jwk.y!) },
    };
  }
  return {
    ...common,
    type: TPM_ALG.RSA,
    parameters: { symmetric: AES128_CFB, scheme: { scheme: TPM_ALG.NULL, details: null }, keyBits: 2048, exponent: 0 },
    unique: b64(jwk.n!),
  };
}

describe('go-tpm credential activation known answers', () => {
  it('ECC P-256 EK: makeCredential with go\'s ephemeral key reproduces the blob and secret', () => {
    const ek = ekFromPem(GO_ECC_EK);
    // go's crypto/ecdh with an all-zero reader yields d = 0x0042 00…00 (it flips key[1] ^= 0x42);
    // eccGenerateKey turns byteLength + 8 octets c into (c mod (n-1)) + 1, so c = d - 1.
    const d = bytesToBigint(concatBytes(Uint8Array.of(0, 0x42), new Uint8Array(30)));
    const rng = scriptedRng(bigintToBytes(d - 1n, getCurve(TPM_ECC.NIST_P256)!.byteLength + 8));
    const { credentialBlob, secret } = makeCredential(ek, GO_CREDENTIAL, GO_AK_NAME, rng);
    expect(Buffer.from(concatBytes(tpm2b(credentialBlob), tpm2b(secret))).toString('base64')).toBe(GO_ECC_EXPECTED);
  });

  it('RSA EK: go draws a 16-octet seed (its own choice, Part 1 uses the digest size); the blob and OAEP secret match', () => {
    const ek = ekFromPem(GO_RSA_EK);
    const expected = b64(GO_RSA_EXPECTED);
    const seed = new Uint8Array(16);
    const blob = secretToCredential({ nameAlg: TPM_ALG.SHA256, symmetric: AES128_CFB, seed, name: GO_AK_NAME }, GO_CREDENTIAL);
    expect(hex(tpm2b(blob))).toBe(hex(expected.subarray(0, 70)));
    const secret = oaepEncrypt(rsaPublicKeyOf(ek), SHA256, seed, secretLabel('IDENTITY'), scriptedRng(new Uint8Array(32)));
    expect(hex(tpm2b(secret))).toBe(hex(expected.subarray(70)));
    expect(credentialToSecret({ nameAlg: TPM_ALG.SHA256, symmetric: AES128_CFB, seed, name: GO_AK_NAME }, blob)).toEqual(GO_CREDENTIAL);
  });
});

describe('MakeCredential / ActivateCredential', () => {
  const rsaEk = rsaObject(rsaKey(2048, 'ek'));
  const ak = eccObject(TPM_ECC.NIST_P256, 'ak', { attributes: SIGN_ATTRS });
  const akName = publicName(ak.pub);
  const rng = seeded('credential');

  it('RSA EK: node:crypto follows the Keylime algorithm step by step to the credential', () => {
    const credential = rng.bytes(32);
    const { credentialBlob, secret } = makeCredential(rsaEk.pub, credential, akName, rng);
    const seed = new Uint8Array(
      privateDecrypt(
        { key: nodeRsaPrivate(rsaEk.key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from('IDENTITY\0') },
        secret,
      ),
    );
    expect(seed.length).toBe(32);
    const symKey = nodeKdfa(TPM_ALG.SHA256, seed, 'STORAGE', akName, new Uint8Array(0), 128);
    const hmacKey = nodeKdfa(TPM_ALG.SHA256, seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), 256);
    expect(hex(credentialBlob.subarray(0, 2))).toBe('0020');
    const integrityHMAC = credentialBlob.subarray(2, 34);
    const encIdentity = credentialBlob.subarray(34);
    expect(hex(integrityHMAC)).toBe(createHmac('sha256', hmacKey).update(encIdentity).update(akName).digest('hex'));
    expect(nodeCfbDecrypt(AES128_CFB, symKey, new Uint8Array(16), encIdentity)).toEqual(tpm2b(credential));
    expect(activateCredential(rsaEk.pub, rsaEk.sensitive, credentialBlob, secret, akName)).toEqual(credential);
  });

  it('ECC P-256 and SM2 (SM3, SM4-CFB) EKs round trip', () => {
    for (const ek of [eccObject(TPM_ECC.NIST_P256, 'ek'), eccObject(TPM_ECC.SM2_P256, 'ek', { symmetric: SM4_CFB })]) {
      const credential = rng.bytes(20);
      const { credentialBlob, secret } = makeCredential(ek.pub, credential, akName, rng);
      expect(activateCredential(ek.pub, ek.sensitive, credentialBlob, secret, akName)).toEqual(credential);
      expect(makeCredential(ek.pub, new Uint8Array(0), akName, rng).credentialBlob.length).toBe(2 + 32 + 2);
    }
  });

  it('response codes and the parameters they belong to', () => {
    const credential = rng.bytes(32);
    const { credentialBlob, secret } = makeCredential(rsaEk.pub, credential, akName, rng);
    const at = (fn: () => unknown) => {
      const e = caught(fn);
      return [e?.rc, e?.field];
    };
    // another object's Name, a damaged blob
    const otherName = publicName(eccObject(TPM_ECC.NIST_P256, 'other ak', { attributes: SIGN_ATTRS }).pub);
    expect(at(() => activateCredential(rsaEk.pub, rsaEk.sensitive, credentialBlob, secret, otherName))).toEqual([TPM_RC.INTEGRITY, 'credentialBlob']);
    const damaged = Uint8Array.from(credentialBlob);
    damaged[40] ^= 4;
    expect(at(() => activateCredential(rsaEk.pub, rsaEk.sensitive, damaged, secret, akName))).toEqual([TPM_RC.INTEGRITY, 'credentialBlob']);
    expect(at(() => activateCredential(rsaEk.pub, rsaEk.sensitive, credentialBlob.subarray(0, 1), secret, akName))).toEqual([TPM_RC.INSUFFICIENT, 'credentialBlob']);
    // the secret is checked first
    const badSecret = Uint8Array.from(secret);
    badSecret[100] ^= 1;
    expect(at(() => activateCredential(rsaEk.pub, rsaEk.sensitive, damaged, badSecret, akName))).toEqual([TPM_RC.VALUE, 'secret']);
    expect(at(() => activateCredential(rsaEk.pub, rsaEk.sensitive, credentialBlob, secret.subarray(2), akName))).toEqual([TPM_RC.SIZE, 'secret']);
    // a seed shared under another label ("DUPLICATE") does not activate
    const dupSecret = encryptSecret(rsaEk.pub, 'DUPLICATE', rng).encryptedSecret;
    expect(at(() => activateCredential(rsaEk.pub, rsaEk.sensitive, credentialBlob, dupSecret, akName))).toEqual([TPM_RC.VALUE, 'secret']);
    expect(at(() => makeCredential(rsaEk.pub, new Uint8Array(33), akName, rng))).toEqual([TPM_RC.SIZE, 'credential']);
    expect(at(() => makeCredential(ak.pub, credential, akName, rng))).toEqual([TPM_RC.TYPE, 'handle']);
    expect(at(() => activateCredential(ak.pub, ak.sensitive, credentialBlob, secret, akName))).toEqual([TPM_RC.TYPE, 'keyHandle']);
    // a blob whose credential TPM2B leaves octets over, or is larger than a digest
    const w = { nameAlg: TPM_ALG.SHA256, symmetric: AES128_CFB, seed: new Uint8Array(32), name: akName };
    expect(credentialToSecret(w, secretToCredential(w, credential))).toEqual(credential);
    expect(caught(() => credentialToSecret(w, wrapOuter(w, concatBytes(tpm2b(new Uint8Array(4)), Uint8Array.of(1)))))?.rc).toBe(TPM_RC.SIZE);
    expect(caught(() => credentialToSecret(w, wrapOuter(w, tpm2b(new Uint8Array(65)))))?.rc).toBe(TPM_RC.SIZE);
  });
});
