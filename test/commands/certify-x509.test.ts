/**
 * Part 3 "TPM2_CertifyX509": the TPM completes a partial TBSCertificate with version, serial
 * number, signature algorithm and the object's SubjectPublicKeyInfo and signs it. The assembled
 * certificates are parsed and their signatures verified by node:crypto's X509Certificate and by
 * `openssl x509`; the serial number and tbsDigest are recomputed independently.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleCertificate, assembleTbsCertificate } from '../../src/attest/certify-x509.js';
import { derBitString, derBoolean, derDecode, derExplicit, derOctetString, derOid, derSequence, derUtcTime } from '../../src/attest/der.js';
import { encodeName, encodeSpki, publicKeyFromTpmt } from '../../src/attest/x509.js';
import type { Client } from '../../src/client/client.js';
import { eccKeyTemplate, rsaKeyTemplate, srkTemplate } from '../../src/client/templates.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC, TPMT_SIG_SCHEME } from '../../src/gen/types.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const EMPTY = new Uint8Array(0);
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME;
const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

async function key(client: Client, template: TPMT_PUBLIC, hierarchy: number = TPM_RH.OWNER) {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea, name: r.name };
}

const extension = (oid: string, value: Uint8Array, critical = false) => derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
/** keyUsage with the named bits (bit 0 = digitalSignature), as a minimal BIT STRING. */
function keyUsage(...bits: number[]): Uint8Array {
  const top = Math.max(...bits);
  const bytes = new Uint8Array((top >> 3) + 1);
  for (const b of bits) bytes[b >> 3] |= 0x80 >> (b & 7);
  return extension('2.5.29.15', derBitString(bytes, 7 - (top & 7)), true);
}
const tpmaObject = (attributes: number) =>
  extension('2.23.133.10.1.1.1', derBitString(Uint8Array.of(attributes >>> 24, (attributes >>> 16) & 0xff, (attributes >>> 8) & 0xff, attributes & 0xff)));

function partial(extensions: Uint8Array[], algorithm?: Uint8Array): Uint8Array {
  const validity = derSequence(derUtcTime(new Date(Date.UTC(2026, 0, 1))), derUtcTime(new Date(Date.UTC(2036, 0, 1))));
  return derSequence(...(algorithm ? [algorithm] : []), encodeName('CN=vtpm test issuer'), validity, encodeName('CN=certified key'), derExplicit(3, derSequence(...extensions)));
}

const certifyX509 = (client: Client, objectHandle: number, signHandle: number, partialCertificate: Uint8Array, reserved = EMPTY) =>
  client.run('CertifyX509', { objectHandle, signHandle, reserved, inScheme: NULL_SCHEME, partialCertificate }, { auth: { objectHandle: '', signHandle: '' } });

function openssl(args: string[], der: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtpm-x509-'));
  writeFileSync(join(dir, 'c.der'), der);
  return execFileSync('openssl', [...args, '-in', join(dir, 'c.der')], { encoding: 'utf8' });
}

describe('TPM2_CertifyX509', () => {
  const signers = [
    { what: 'ECDSA P-256', template: () => eccKeyTemplate({ usage: 'sign' }), alg: 'ecdsa-with-SHA256' },
    { what: 'RSASSA-2048', template: () => rsaKeyTemplate({ usage: 'sign' }), alg: 'sha256WithRSAEncryption' },
    { what: 'RSAPSS-2048', template: () => rsaKeyTemplate({ usage: 'sign', scheme: TPM_ALG.RSAPSS }), alg: 'rsassaPss' },
  ];
  for (const s of signers) {
    it(`${s.what}: the assembled certificate verifies with the signer's key (node:crypto, openssl)`, async () => {
      const { client } = await startedTpm();
      const signer = await key(client, s.template());
      const object = await key(client, eccKeyTemplate({ usage: 'sign' }));
      const p = partial([keyUsage(0), tpmaObject(object.pub.objectAttributes)]);
      const r = await certifyX509(client, object.handle, signer.handle, p);
      const tbs = assembleTbsCertificate(p, r.addedToCertificate);
      expect(toHex(r.tbsDigest)).toBe(createHash('sha256').update(tbs).digest('hex'));
      // serial = H_nameAlg(signature ‖ issuer ‖ validity ‖ subject ‖ SPKI ‖ extensions ‖ signer Name ‖ object Name), 20 octets at most.
      const f = derDecode(tbs).children;
      const serialInput = [f[2].raw, f[3].raw, f[4].raw, f[5].raw, f[6].raw, f[7].raw, signer.name, object.name];
      const h = createHash('sha256');
      for (const x of serialInput) h.update(x);
      expect(BigInt('0x' + toHex(f[1].value))).toBe(BigInt('0x' + h.digest('hex').slice(0, 40)));
      expect(toHex(f[6].raw)).toBe(toHex(encodeSpki(publicKeyFromTpmt(object.pub))));
      const cert = assembleCertificate(p, r.addedToCertificate, r.signature);
      const x509 = new X509Certificate(cert);
      const signerKey = createPublicKey({ key: Buffer.from(encodeSpki(publicKeyFromTpmt(signer.pub))), format: 'der', type: 'spki' });
      expect(x509.verify(signerKey)).toBe(true);
      expect(x509.subject).toBe('CN=certified key');
      const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], cert);
      expect(text).toContain(`Signature Algorithm: ${s.alg}`);
      expect(text).toContain('Version: 3 (0x2)');
    });
  }

  it('keeps a signature algorithm the caller supplies (four SEQUENCEs)', async () => {
    const { client } = await startedTpm();
    const signer = await key(client, eccKeyTemplate({ usage: 'sign' }));
    const object = await key(client, rsaKeyTemplate({ usage: 'decrypt' }));
    const algorithm = derSequence(derOid('1.2.840.10045.4.3.2'));
    const p = partial([keyUsage(4)], algorithm); // dataEncipherment: a decryption key
    const r = await certifyX509(client, object.handle, signer.handle, p);
    expect(derDecode(r.addedToCertificate).children.length).toBe(3);
    const cert = assembleCertificate(p, r.addedToCertificate, r.signature);
    const signerKey = createPublicKey({ key: Buffer.from(encodeSpki(publicKeyFromTpmt(signer.pub))), format: 'der', type: 'spki' });
    expect(new X509Certificate(cert).verify(signerKey)).toBe(true);
  });

  it('refuses bad input with the reference codes', async () => {
    const { client } = await startedTpm();
    const signer = await key(client, eccKeyTemplate({ usage: 'sign' }));
    const object = await key(client, eccKeyTemplate({ usage: 'sign' }));
    const good = partial([keyUsage(0)]);
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, good, Uint8Array.of(1)))).toBe(TPM_RC.SIZE | P(1));
    // no keyUsage; keyEncipherment for an unrestricted key; a TPMA_OBJECT extension that differs
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, partial([tpmaObject(object.pub.objectAttributes)])))).toBe(TPM_RC.VALUE | P(3));
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, partial([keyUsage(2)])))).toBe(TPM_RC.VALUE | P(3));
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, partial([keyUsage(0), tpmaObject(object.pub.objectAttributes ^ TPMA_OBJECT.noDA)])))).toBe(
      TPM_RC.ATTRIBUTES | H(1),
    );
    // not a SEQUENCE; trailing garbage; too few elements
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, derOctetString(good)))).toBe(TPM_RC.SIZE | P(3));
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, Uint8Array.of(...good, 0)))).toBe(TPM_RC.VALUE | P(3));
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, derSequence(encodeName('CN=x'), derExplicit(3, derSequence(keyUsage(0))))))).toBe(TPM_RC.VALUE | P(3));
    // a storage key cannot sign; a keyedHash object has no X.509 public key
    const srk = await key(client, srkTemplate({ alg: 'ecc-p256' }));
    expect(await rcOf(certifyX509(client, object.handle, srk.handle, good))).toBe(TPM_RC.KEY | H(2));
  });

  it('SM2 keys (tcm2): no X.509 signature algorithm for the TPM to add (TPM_RC_SCHEME, handle 2)', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const signer = await key(client, eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }));
    const object = await key(client, eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }));
    expect(await rcOf(certifyX509(client, object.handle, signer.handle, partial([keyUsage(0)])))).toBe(TPM_RC.SCHEME | H(2));
  });
});
