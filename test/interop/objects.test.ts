/**
 * Debian's tpm2-tools against `vtpm serve` (swtpm TCTI) for keys and objects: createprimary,
 * create (and create -c: CreateLoaded), load, loadexternal, readpublic, evictcontrol, flushcontext, context
 * files, unseal, changeauth, sign, verifysignature, rsaencrypt, rsadecrypt, ecdhkeygen,
 * ecdhzgen, ecephemeral, zgen2phase, encryptdecrypt, hmac, duplicate, import, makecredential,
 * activatecredential, print, encodeobject; openssl verifies signatures with the keys the tools
 * export as PEM. A scenario skips until the commands it needs are implemented.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serve, type Server } from '../../src/node/server.js';
import { HAVE_OPENSSL, HAVE_TPM2_TOOLS, implemented, ok, tool } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-objects-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);
const file = (name: string, content: string | Buffer) => {
  writeFileSync(path(name), content);
  return path(name);
};
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.skipIf(!HAVE_TPM2_TOOLS || !implemented('CreatePrimary', 'Create', 'Load', 'ContextSave', 'ContextLoad'))('tpm2-tools object tools against vtpm serve', () => {
  let server: Server;
  let tcti: string;
  const run = (...args: string[]) => ok(tcti, args);
  beforeAll(async () => {
    server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'interop objects' }, logger: { warn: (m) => console.warn(m) } });
    tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
    await run('tpm2_startup', '-c');
    // An ECC storage primary for the scenarios, kept in a context file.
    await run('tpm2_createprimary', '-C', 'o', '-G', 'ecc', '-c', path('primary.ctx'));
  });
  afterAll(async () => {
    await server?.close();
  });
  // Without a resource manager the tools leave what they load in the TPM: start each scenario empty.
  beforeEach(async () => {
    await run('tpm2_flushcontext', '-t');
  });

  it('createprimary (RSA default), create, load, readpublic, print; context files reload across tool runs', async () => {
    await run('tpm2_createprimary', '-C', 'o', '-c', path('rsa-primary.ctx'));
    await run('tpm2_create', '-C', path('rsa-primary.ctx'), '-u', path('key.pub'), '-r', path('key.priv'));
    await run('tpm2_load', '-C', path('rsa-primary.ctx'), '-u', path('key.pub'), '-r', path('key.priv'), '-c', path('key.ctx'), '-n', path('key.name'));
    const info = await run('tpm2_readpublic', '-c', path('key.ctx'));
    const name = readFileSync(path('key.name')).toString('hex');
    expect(info).toContain(`name: ${name}`);
    // The Name is nameAlg ‖ SHA-256 of the public area the tool saved (marshalled TPM2B_PUBLIC minus its size).
    const pub = readFileSync(path('key.pub'));
    expect(name).toBe('000b' + createHash('sha256').update(pub.subarray(2)).digest('hex'));
    expect(await run('tpm2_print', '-t', 'TPM2B_PUBLIC', path('key.pub'))).toMatch(/type:\s*\n\s*value: rsa/);
    expect(await run('tpm2_print', '-t', 'TPMS_CONTEXT', path('key.ctx'))).toMatch(/hierarchy: owner/);
  });

  it('evictcontrol persists a key at 0x81000005 and removes it; flushcontext -t empties the transient slots', async () => {
    await run('tpm2_evictcontrol', '-C', 'o', '-c', path('primary.ctx'), '0x81000005');
    expect(await run('tpm2_getcap', 'handles-persistent')).toContain('0x81000005');
    await run('tpm2_create', '-C', '0x81000005', '-u', path('p.pub'), '-r', path('p.priv'));
    await run('tpm2_load', '-C', '0x81000005', '-u', path('p.pub'), '-r', path('p.priv'), '-c', path('p.ctx'));
    await run('tpm2_evictcontrol', '-C', 'o', '-c', '0x81000005');
    expect(await run('tpm2_getcap', 'handles-persistent')).not.toContain('0x81000005');
    await run('tpm2_flushcontext', '-t');
    expect((await run('tpm2_getcap', 'handles-transient')).trim()).toBe('');
    // Context files still load after the flush.
    await run('tpm2_readpublic', '-c', path('primary.ctx'));
  });

  it('encodeobject writes a TSS2 PRIVATE KEY PEM', async () => {
    await run('tpm2_evictcontrol', '-C', 'o', '-c', path('primary.ctx'), '0x81000006');
    await run('tpm2_create', '-C', '0x81000006', '-G', 'ecc', '-u', path('enc.pub'), '-r', path('enc.priv'));
    await run('tpm2_encodeobject', '-C', '0x81000006', '-u', path('enc.pub'), '-r', path('enc.priv'), '-o', path('enc.pem'));
    expect(readFileSync(path('enc.pem'), 'utf8')).toContain('-----BEGIN TSS2 PRIVATE KEY-----');
    await run('tpm2_evictcontrol', '-C', 'o', '-c', '0x81000006');
  });

  it.skipIf(!implemented('CreateLoaded', 'Unseal', 'ObjectChangeAuth'))('create -c (CreateLoaded), unseal, changeauth of a sealed object', async () => {
    await run('tpm2_create', '-C', path('primary.ctx'), '-G', 'ecc', '-c', path('loaded.ctx'));
    await run('tpm2_readpublic', '-c', path('loaded.ctx'));
    await run('tpm2_create', '-C', path('primary.ctx'), '-i', file('secret', 'sealed secret'), '-p', 'old', '-u', path('seal.pub'), '-r', path('seal.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('seal.pub'), '-r', path('seal.priv'), '-c', path('seal.ctx'));
    expect(await run('tpm2_unseal', '-c', path('seal.ctx'), '-p', 'old')).toBe('sealed secret');
    await run('tpm2_changeauth', '-c', path('seal.ctx'), '-C', path('primary.ctx'), '-p', 'old', '-r', path('seal.new.priv'), 'new');
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('seal.pub'), '-r', path('seal.new.priv'), '-c', path('seal.new.ctx'));
    expect(await run('tpm2_unseal', '-c', path('seal.new.ctx'), '-p', 'new')).toBe('sealed secret');
    const old = await tool(tcti, ['tpm2_unseal', '-c', path('seal.new.ctx'), '-p', 'old']);
    expect(old.code).not.toBe(0);
  });

  for (const alg of ['ecc', 'rsa'] as const) {
    it.skipIf(!implemented('Sign', 'VerifySignature') || !HAVE_OPENSSL)(`sign, verifysignature and openssl with an ${alg} key exported as PEM`, async () => {
      const msg = file(`msg-${alg}`, 'message to sign');
      await run('tpm2_create', '-C', path('primary.ctx'), '-G', alg, '-u', path(`s-${alg}.pub`), '-r', path(`s-${alg}.priv`));
      await run('tpm2_load', '-C', path('primary.ctx'), '-u', path(`s-${alg}.pub`), '-r', path(`s-${alg}.priv`), '-c', path(`s-${alg}.ctx`));
      await run('tpm2_sign', '-c', path(`s-${alg}.ctx`), '-g', 'sha256', '-o', path(`sig-${alg}`), msg);
      await run('tpm2_verifysignature', '-c', path(`s-${alg}.ctx`), '-g', 'sha256', '-m', msg, '-s', path(`sig-${alg}`));
      await run('tpm2_readpublic', '-c', path(`s-${alg}.ctx`), '-f', 'pem', '-o', path(`s-${alg}.pem`));
      await run('tpm2_sign', '-c', path(`s-${alg}.ctx`), '-g', 'sha256', '-f', 'plain', '-o', path(`sig-${alg}.plain`), msg);
      expect(openssl('dgst', '-sha256', '-verify', path(`s-${alg}.pem`), '-signature', path(`sig-${alg}.plain`), msg)).toContain('Verified OK');
      // A different message does not verify.
      const bad = await tool(tcti, ['tpm2_verifysignature', '-c', path(`s-${alg}.ctx`), '-g', 'sha256', '-m', file(`other-${alg}`, 'other'), '-s', path(`sig-${alg}`)]);
      expect(bad.code).not.toBe(0);
    });
  }

  it.skipIf(!implemented('LoadExternal', 'Sign') || !HAVE_OPENSSL)('loadexternal of an openssl key; its TPM signature verifies with openssl', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    file('ext.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }));
    file('ext.pub.pem', publicKey.export({ type: 'spki', format: 'pem' }));
    await run('tpm2_loadexternal', '-C', 'n', '-G', 'ecc', '-r', path('ext.pem'), '-c', path('ext.ctx'));
    const msg = file('ext-msg', 'external key message');
    await run('tpm2_sign', '-c', path('ext.ctx'), '-g', 'sha256', '-f', 'plain', '-o', path('ext.sig'), msg);
    expect(openssl('dgst', '-sha256', '-verify', path('ext.pub.pem'), '-signature', path('ext.sig'), msg)).toContain('Verified OK');
  });

  it.skipIf(!implemented('RSA_Encrypt', 'RSA_Decrypt'))('rsaencrypt and rsadecrypt', async () => {
    await run('tpm2_create', '-C', path('primary.ctx'), '-G', 'rsa2048', '-a', 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt', '-u', path('rsa.pub'), '-r', path('rsa.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('rsa.pub'), '-r', path('rsa.priv'), '-c', path('rsa.ctx'));
    await run('tpm2_rsaencrypt', '-c', path('rsa.ctx'), '-o', path('rsa.ct'), file('rsa.msg', 'plaintext'));
    await run('tpm2_rsadecrypt', '-c', path('rsa.ctx'), '-o', path('rsa.pt'), path('rsa.ct'));
    expect(readFileSync(path('rsa.pt'), 'utf8')).toBe('plaintext');
  });

  it.skipIf(!implemented('ECDH_KeyGen', 'ECDH_ZGen', 'EC_Ephemeral', 'ZGen_2Phase'))('ecdhkeygen and ecdhzgen agree; ecephemeral and zgen2phase run', async () => {
    await run('tpm2_create', '-C', path('primary.ctx'), '-G', 'ecc256:ecdh', '-a', 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt', '-u', path('ecdh.pub'), '-r', path('ecdh.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('ecdh.pub'), '-r', path('ecdh.priv'), '-c', path('ecdh.ctx'));
    await run('tpm2_ecdhkeygen', '-c', path('ecdh.ctx'), '-u', path('ecdh.point'), '-o', path('ecdh.z'));
    await run('tpm2_ecdhzgen', '-c', path('ecdh.ctx'), '-u', path('ecdh.point'), '-o', path('ecdh.z2'));
    expect(readFileSync(path('ecdh.z2')).toString('hex')).toBe(readFileSync(path('ecdh.z')).toString('hex'));
    await run('tpm2_ecephemeral', '-u', path('eph.q'), '-t', path('eph.ctr'), 'ecc256');
    // The counter file holds the UINT16 commit counter.
    const counter = readFileSync(path('eph.ctr')).readUInt16BE(0);
    await run('tpm2_zgen2phase', '-c', path('ecdh.ctx'), '--static-public', path('ecdh.point'), '--ephemeral-public', path('eph.q'), '-t', String(counter), '--output-Z1', path('z1'), '--output-Z2', path('z2'));
    expect(readFileSync(path('z1')).length).toBeGreaterThan(32);
  });

  it.skipIf(!implemented('EncryptDecrypt2') && !implemented('EncryptDecrypt'))('encryptdecrypt with an AES-128-CFB key', async () => {
    await run('tpm2_create', '-C', path('primary.ctx'), '-G', 'aes128cfb', '-u', path('aes.pub'), '-r', path('aes.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('aes.pub'), '-r', path('aes.priv'), '-c', path('aes.ctx'));
    const iv = file('aes.iv', Buffer.alloc(16, 7));
    await run('tpm2_encryptdecrypt', '-c', path('aes.ctx'), '-t', iv, '-o', path('aes.ct'), file('aes.msg', 'some plaintext to encrypt'));
    await run('tpm2_encryptdecrypt', '-d', '-c', path('aes.ctx'), '-t', iv, '-o', path('aes.pt'), path('aes.ct'));
    expect(readFileSync(path('aes.pt'), 'utf8')).toBe('some plaintext to encrypt');
  });

  it.skipIf(!implemented('HMAC', 'HMAC_Start', 'Import'))('hmac (one shot and as a sequence for long input) with an imported key of known value', async () => {
    const key = Buffer.alloc(32, 0x5a);
    await run('tpm2_import', '-C', path('primary.ctx'), '-G', 'hmac', '-i', file('hmac.key', key), '-u', path('hmac.pub'), '-r', path('hmac.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('hmac.pub'), '-r', path('hmac.priv'), '-c', path('hmac.ctx'));
    for (const size of [100, 5000]) {
      const data = Buffer.alloc(size, 0x33);
      const out = await run('tpm2_hmac', '-c', path('hmac.ctx'), '--hex', file(`hmac.${size}`, data));
      expect(out.trim()).toBe(createHmac('sha256', key).update(data).digest('hex'));
    }
  });

  it.skipIf(!implemented('Duplicate', 'Import', 'LoadExternal', 'PolicyCommandCode'))('duplicate to another parent and import it there', async () => {
    const policy = path('dup.policy');
    const session = path('dup.session');
    await run('tpm2_startauthsession', '-S', session);
    await run('tpm2_policycommandcode', '-S', session, '-L', policy, 'TPM2_CC_Duplicate');
    await run('tpm2_flushcontext', session);
    await run('tpm2_createprimary', '-C', 'o', '-g', 'sha256', '-G', 'ecc', '-c', path('newparent.ctx'), '-u', file('placeholder', ''));
    await run('tpm2_readpublic', '-c', path('newparent.ctx'), '-o', path('newparent.pub'));
    await run('tpm2_create', '-C', path('primary.ctx'), '-g', 'sha256', '-G', 'ecc', '-L', policy, '-a', 'sensitivedataorigin|userwithauth|sign', '-u', path('dupkey.pub'), '-r', path('dupkey.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('dupkey.pub'), '-r', path('dupkey.priv'), '-c', path('dupkey.ctx'));
    await run('tpm2_loadexternal', '-C', 'o', '-u', path('newparent.pub'), '-c', path('newparent.ext.ctx'));
    await run('tpm2_startauthsession', '--policy-session', '-S', session);
    await run('tpm2_policycommandcode', '-S', session, 'TPM2_CC_Duplicate');
    await run('tpm2_duplicate', '-C', path('newparent.ext.ctx'), '-c', path('dupkey.ctx'), '-G', 'null', '-p', `session:${session}`, '-r', path('dup.priv'), '-s', path('dup.seed'));
    await run('tpm2_flushcontext', session);
    await run('tpm2_import', '-C', path('newparent.ctx'), '-u', path('dupkey.pub'), '-i', path('dup.priv'), '-r', path('imported.priv'), '-s', path('dup.seed'));
    await run('tpm2_load', '-C', path('newparent.ctx'), '-u', path('dupkey.pub'), '-r', path('imported.priv'), '-c', path('imported.ctx'));
    expect(await run('tpm2_readpublic', '-c', path('imported.ctx'))).toContain(await run('tpm2_readpublic', '-c', path('dupkey.ctx')).then((s) => s.split('\n')[0]));
  });

  it.skipIf(!implemented('MakeCredential', 'ActivateCredential', 'PolicySecret'))('makecredential (offline) and activatecredential with the EK and an AK', async () => {
    await run('tpm2_createek', '-c', path('ek.ctx'), '-G', 'rsa', '-u', path('ek.pub'));
    await run('tpm2_createak', '-C', path('ek.ctx'), '-c', path('ak.ctx'), '-G', 'ecc', '-g', 'sha256', '-s', 'ecdsa', '-u', path('ak.pub'), '-n', path('ak.name'));
    const name = readFileSync(path('ak.name')).toString('hex');
    await tool(tcti, ['tpm2_makecredential', '-T', 'none', '-e', path('ek.pub'), '-s', file('cred.secret', 'credential secret'), '-n', name, '-o', path('cred.blob')]).then((r) => expect(r.code).toBe(0));
    const session = path('ek.session');
    await run('tpm2_startauthsession', '--policy-session', '-S', session);
    await run('tpm2_policysecret', '-S', session, '-c', 'e');
    await run('tpm2_activatecredential', '-c', path('ak.ctx'), '-C', path('ek.ctx'), '-i', path('cred.blob'), '-o', path('cred.out'), '-P', `session:${session}`);
    await run('tpm2_flushcontext', session);
    expect(readFileSync(path('cred.out'), 'utf8')).toBe('credential secret');
  });

  it.skipIf(!implemented('Commit', 'Sign'))('commit and sign with an ECDAA key (-s ecdaa --commit-index); [s]G = E + [T]Q on the host', async () => {
    const { p256 } = await import('@noble/curves/nist.js');
    const { createCodec } = await import('../../src/wire/codec.js');
    const { DEFAULT_LIMITS, SCHEMA } = await import('../../src/gen/schemas.js');
    const { TPM_ALG } = await import('../../src/gen/constants.js');
    type Point = { x: Uint8Array; y: Uint8Array };
    const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });
    const decode = <T>(type: string, name: string) => codec.decode<T>(type, new Uint8Array(readFileSync(path(name))));
    const big = (b: Uint8Array) => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));
    const point = (p: Point) => p256.Point.fromAffine({ x: big(p.x), y: big(p.y) });
    await run('tpm2_create', '-C', path('primary.ctx'), '-G', 'ecc256:ecdaa', '-u', path('daa.pub'), '-r', path('daa.priv'));
    await run('tpm2_load', '-C', path('primary.ctx'), '-u', path('daa.pub'), '-r', path('daa.priv'), '-c', path('daa.ctx'));
    const msg = file('daa.msg', 'anonymously signed');
    const digest = new Uint8Array(createHash('sha256').update('anonymously signed').digest());
    const Q = point(decode<{ publicArea: { unique: Point } }>('TPM2B_PUBLIC', 'daa.pub').publicArea.unique);
    for (const i of [1, 2]) {
      await run('tpm2_commit', '-c', path('daa.ctx'), '-t', path(`count${i}`), '--eccpoint-K', path(`K${i}`), '--eccpoint-L', path(`L${i}`), '-u', path(`E${i}`));
    }
    // Sign with the first count; the second is still open.
    const count = readFileSync(path('count1')).readUInt16BE(0);
    expect(readFileSync(path('count2')).readUInt16BE(0)).toBe(count + 1);
    await run('tpm2_sign', '-c', path('daa.ctx'), '-g', 'sha256', '-s', 'ecdaa', `--commit-index=${count}`, '-o', path('daa.sig'), msg);
    const sig = decode<{ sigAlg: number; signature: { hash: number; signatureR: Uint8Array; signatureS: Uint8Array } }>('TPMT_SIGNATURE', 'daa.sig');
    expect([sig.sigAlg, sig.signature.hash]).toEqual([TPM_ALG.ECDAA, TPM_ALG.SHA256]);
    // Without s2, only E = [r]G is computed.
    expect(decode<{ point: Point }>('TPM2B_ECC_POINT', 'K1').point.x.length).toBe(0);
    const E = point(decode<{ point: Point }>('TPM2B_ECC_POINT', 'E1').point);
    const T = big(new Uint8Array(createHash('sha256').update(sig.signature.signatureR).update(digest).digest())) % p256.Point.CURVE().n;
    expect(p256.Point.BASE.multiply(big(sig.signature.signatureS)).equals(E.add(Q.multiply(T)))).toBe(true);
    // The count is used up: TPM_RC_VALUE.
    const again = await tool(tcti, ['tpm2_sign', '-c', path('daa.ctx'), '-g', 'sha256', '-s', 'ecdaa', `--commit-index=${count}`, '-o', path('daa.sig2'), msg]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/_Sign\(0x84\)/);
  });
});
