/**
 * Debian's tpm2-tools (5.4) policy tools against `vtpm serve`: every tpm2_policy* tool, in a
 * trial session (the digest from tpm2_getpolicydigest / -L must equal the host calculator's,
 * src/client/policy.ts) and in a policy session that satisfies a real authorization: unseal of
 * an object sealed with that policy, an NV read or write, Duplicate, CreatePrimary under an
 * owner policy. Signatures for tpm2_policysigned and tpm2_policyauthorize are made with openssl,
 * as the tools' man pages show.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicy } from '../../src/client/policy.js';
import { TPM_ALG, TPM_CC, TPM_EO, TPM_RH } from '../../src/gen/constants.js';
import { serve, type Server } from '../../src/node/server.js';
import { HAVE_OPENSSL, HAVE_TPM2_TOOLS, implemented, ok, tool } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-policy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);
const file = (name: string) => new Uint8Array(readFileSync(path(name)));
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const u64 = (n: number) => Uint8Array.of(0, 0, ...u32(Math.floor(n / 2 ** 32) & 0xffff).subarray(2), ...u32(n >>> 0));
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const calc = () => createPolicy(TPM_ALG.SHA256);

const NEEDED = ['StartAuthSession', 'PolicyGetDigest', 'Create', 'Load', 'Unseal', 'ContextSave', 'ContextLoad', 'LoadExternal', 'VerifySignature'];

describe.skipIf(!HAVE_TPM2_TOOLS || !HAVE_OPENSSL || !implemented(...NEEDED))('tpm2-tools policy tools against vtpm serve', () => {
  let server: Server;
  let tcti: string;
  const run = (...args: string[]) => ok(tcti, args);
  const runIn = (input: Buffer | string, ...args: string[]) => ok(tcti, args, input);
  /** A tool that must fail: its stderr (which names the response code). */
  const fails = async (...args: string[]) => {
    const r = await tool(tcti, args);
    expect(r.code, `${args.join(' ')} should fail`).not.toBe(0);
    return r.stderr;
  };

  /** Runs the steps in a trial session; the digest tpm2_getpolicydigest gives (also written to `<name>.policy`). */
  async function trial(name: string, steps: (session: string) => string[][]): Promise<Uint8Array> {
    const s = path(`${name}.trial`);
    await run('tpm2_startauthsession', '-S', s);
    for (const step of steps(s)) await run(...step);
    await run('tpm2_getpolicydigest', '-S', s, '-o', path(`${name}.policy`));
    const hex = (await run('tpm2_getpolicydigest', '-S', s, '--hex')).trim();
    await run('tpm2_flushcontext', s);
    const digest = file(`${name}.policy`);
    expect(Buffer.from(digest).toString('hex')).toBe(hex);
    return digest;
  }

  /** Seals `secret:<name>` under the primary with the policy (and an auth value); loads it as `<name>.ctx`. */
  async function seal(name: string, policy: string, auth?: string) {
    await run('tpm2_flushcontext', '-t');
    await runIn(`secret:${name}`, 'tpm2_create', '-C', path('prim.ctx'), '-L', policy, '-i-', '-u', path(`${name}.pub`), '-r', path(`${name}.priv`), ...(auth ? ['-p', auth] : []));
    await run('tpm2_load', '-C', path('prim.ctx'), '-u', path(`${name}.pub`), '-r', path(`${name}.priv`), '-c', path(`${name}.ctx`));
  }

  /** Satisfies the policy with the steps in a policy session and unseals `<name>.ctx`; the tool's stderr on failure. */
  async function unseal(name: string, steps: (session: string) => string[][], auth = ''): Promise<{ ok: boolean; out: string }> {
    const s = path(`${name}.session`);
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_startauthsession', '--policy-session', '-S', s);
    try {
      for (const step of steps(s)) {
        const r = await tool(tcti, step);
        if (r.code !== 0) return { ok: false, out: r.stderr };
      }
      const r = await tool(tcti, ['tpm2_unseal', '-c', path(`${name}.ctx`), '-p', `session:${s}${auth}`]);
      return { ok: r.code === 0, out: r.code === 0 ? r.stdout : r.stderr };
    } finally {
      await run('tpm2_flushcontext', s);
    }
  }
  const unsealed = async (name: string, steps: (session: string) => string[][], auth = '') => {
    const r = await unseal(name, steps, auth);
    expect(r, r.out).toEqual({ ok: true, out: `secret:${name}` });
  };

  /** The Name of an NV index from tpm2_nvreadpublic. */
  const nvName = async (index: string) => {
    const out = await run('tpm2_nvreadpublic', index);
    return new Uint8Array(Buffer.from(/name:\s*([0-9a-f]+)/.exec(out)![1], 'hex'));
  };

  beforeAll(async () => {
    server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'interop policy' }, logger: { warn: (m) => console.warn(m) } });
    tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
    await run('tpm2_startup', '-c');
    await run('tpm2_createprimary', '-C', 'o', '-G', 'ecc', '-c', path('prim.ctx'));
    openssl('genrsa', '-out', path('signer.pem'), '2048');
    openssl('rsa', '-in', path('signer.pem'), '-pubout', '-out', path('signer.pub.pem'));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('tpm2_createprimary/create -L with tpm2_createpolicy --policy-pcr and tpm2_policypcr; PCR changes fail the session', async () => {
    await run('tpm2_pcrextend', '23:sha256=' + '11'.repeat(32));
    await run('tpm2_pcrread', 'sha256:23', '-o', path('pcr23.bin'));
    await run('tpm2_createpolicy', '--policy-pcr', '-l', 'sha256:23', '-f', path('pcr23.bin'), '-L', path('createpolicy.policy'));
    const viaTrial = await trial('pcr', (s) => [['tpm2_policypcr', '-S', s, '-l', 'sha256:23', '-f', path('pcr23.bin'), '-L', path('pcr.L')]]);
    const expected = calc().pcr([{ hash: TPM_ALG.SHA256, pcrs: [23] }], [file('pcr23.bin')]).digest();
    expect(viaTrial).toEqual(expected);
    expect(file('createpolicy.policy')).toEqual(expected);
    expect(file('pcr.L')).toEqual(expected);
    await seal('pcr', path('createpolicy.policy'));
    await unsealed('pcr', (s) => [['tpm2_policypcr', '-S', s, '-l', 'sha256:23']]);
    // Extended between PolicyPCR and use: TPM_RC_PCR_CHANGED (0x128).
    const changed = await unseal('pcr', (s) => [['tpm2_policypcr', '-S', s, '-l', 'sha256:23'], ['tpm2_pcrextend', '23:sha256=' + '22'.repeat(32)]]);
    expect(changed.ok).toBe(false);
    expect(changed.out).toMatch(/0x128\b/i);
    // Now the PCR has another value: the policy does not match.
    expect((await unseal('pcr', (s) => [['tpm2_policypcr', '-S', s, '-l', 'sha256:23']])).ok).toBe(false);
    expect((await unseal('pcr', (s) => [['tpm2_policypcr', '-S', s, '-l', 'sha256:23', '-f', path('pcr23.bin')]])).out).toMatch(/0x1c4\b/i);
  });

  it('tpm2_policycommandcode, tpm2_policyrestart', async () => {
    const digest = await trial('cc', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal']]);
    expect(digest).toEqual(calc().commandCode(TPM_CC.Unseal).digest());
    expect(digest).toEqual(sha256(new Uint8Array(32), u32(TPM_CC.PolicyCommandCode), u32(TPM_CC.Unseal)));
    await seal('cc', path('cc.policy'));
    await unsealed('cc', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal']]);
    // A wrong assertion first, then tpm2_policyrestart and the right one.
    await unsealed('cc', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_NV_Read'], ['tpm2_policyrestart', '-S', s], ['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal']]);
    expect((await unseal('cc', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_NV_Read']])).ok).toBe(false);
  });

  it('tpm2_policysecret (owner) and tpm2_policyticket with its ticket', async () => {
    const digest = await trial('secret', (s) => [['tpm2_policysecret', '-S', s, '-c', 'o']]);
    expect(digest).toEqual(calc().secret(TPM_RH.OWNER).digest());
    await seal('secret', path('secret.policy'));
    await unsealed('secret', (s) => [['tpm2_policysecret', '-S', s, '-c', 'o']]);
    // A negative expiration gives a ticket; tpm2_policyticket in a new session stands for PolicySecret.
    await unsealed('secret', (s) => [['tpm2_policysecret', '-S', s, '-c', 'o', '--expiration=-300', '--ticket', path('secret.tk'), '--timeout', path('secret.to')]]);
    writeFileSync(path('owner.name'), u32(TPM_RH.OWNER));
    await unsealed('secret', (s) => [['tpm2_policyticket', '-S', s, '-n', path('owner.name'), '--ticket', path('secret.tk'), '--timeout', path('secret.to')]]);
  });

  it('tpm2_policysigned with an openssl RSA signature; a signature over other data is TPM_RC_SIGNATURE', async () => {
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_loadexternal', '-C', 'o', '-G', 'rsa', '-u', path('signer.pub.pem'), '-c', path('signer.ctx'), '-n', path('signer.name'));
    // nonceTPM, cpHashA and policyRef empty, expiration 0: the signed message is 00 00 00 00.
    writeFileSync(path('signed.msg'), new Uint8Array(4));
    openssl('dgst', '-sha256', '-sign', path('signer.pem'), '-out', path('signed.sig'), path('signed.msg'));
    const step = (s: string, sig = 'signed.sig') => ['tpm2_policysigned', '-S', s, '-g', 'sha256', '-s', path(sig), '-f', 'rsassa', '-c', path('signer.ctx')];
    const digest = await trial('signed', (s) => [step(s)]);
    expect(digest).toEqual(calc().signed(file('signer.name')).digest());
    await seal('signed', path('signed.policy'));
    await unsealed('signed', (s) => [step(s)]);
    writeFileSync(path('other.msg'), Uint8Array.of(0, 0, 0, 1));
    openssl('dgst', '-sha256', '-sign', path('signer.pem'), '-out', path('other.sig'), path('other.msg'));
    const bad = await unseal('signed', (s) => [step(s, 'other.sig')]);
    expect(bad.ok).toBe(false);
    expect(bad.out).toMatch(/0x5db\b/i);
  });

  it('tpm2_policyor of tpm2_policypassword and tpm2_policycommandcode branches', async () => {
    const pass = await trial('or-pass', (s) => [['tpm2_policypassword', '-S', s]]);
    const cc = await trial('or-cc', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal']]);
    expect(pass).toEqual(calc().password().digest());
    const list = `sha256:${path('or-pass.policy')},${path('or-cc.policy')}`;
    const digest = await trial('or', (s) => [['tpm2_policyor', '-S', s, list]]);
    expect(digest).toEqual(calc().or(pass, cc).digest());
    await seal('or', path('or.policy'));
    await unsealed('or', (s) => [['tpm2_policypassword', '-S', s], ['tpm2_policyor', '-S', s, list]]);
    await unsealed('or', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal'], ['tpm2_policyor', '-S', s, list]]);
    // Neither branch: TPM_RC_VALUE on parameter 1 (0x1c4).
    expect((await unseal('or', (s) => [['tpm2_policyor', '-S', s, list]])).out).toMatch(/0x1c4\b/i);
  });

  it('tpm2_policyauthorize with an openssl-signed policy and tpm2_verifysignature -t', async () => {
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_loadexternal', '-C', 'o', '-G', 'rsa', '-u', path('signer.pub.pem'), '-c', path('signer.ctx'), '-n', path('signer.name'));
    const authorized = await trial('authorize', (s) => [['tpm2_policyauthorize', '-S', s, '-n', path('signer.name'), '-q', 'cafe']]);
    expect(authorized).toEqual(calc().authorize(file('signer.name'), Uint8Array.of(0xca, 0xfe)).digest());
    const approved = await trial('approved', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal']]);
    // The signer signs approvedPolicy ‖ policyRef.
    writeFileSync(path('approved.msg'), Buffer.concat([approved, Uint8Array.of(0xca, 0xfe)]));
    openssl('dgst', '-sha256', '-sign', path('signer.pem'), '-out', path('approved.sig'), path('approved.msg'));
    await run('tpm2_verifysignature', '-c', path('signer.ctx'), '-g', 'sha256', '-m', path('approved.msg'), '-s', path('approved.sig'), '-f', 'rsassa', '-t', path('approved.tk'));
    await seal('authorize', path('authorize.policy'));
    const steps = (s: string) => [
      ['tpm2_policycommandcode', '-S', s, 'TPM2_CC_Unseal'],
      ['tpm2_policyauthorize', '-S', s, '-i', path('approved.policy'), '-q', 'cafe', '-n', path('signer.name'), '-t', path('approved.tk')],
    ];
    await unsealed('authorize', steps);
    // The ticket is for the command-code policy: with another policy in the session it does not fit.
    expect((await unseal('authorize', (s) => [['tpm2_policypassword', '-S', s], steps(s)[1]])).ok).toBe(false);
  });

  it('tpm2_policylocality: locality 0 (the TCTI\'s) passes, locality 1 fails with TPM_RC_LOCALITY', async () => {
    const zero = await trial('loc0', (s) => [['tpm2_policylocality', '-S', s, 'zero']]);
    expect(zero).toEqual(calc().locality(1).digest());
    await seal('loc0', path('loc0.policy'));
    await unsealed('loc0', (s) => [['tpm2_policylocality', '-S', s, 'zero']]);
    const one = await trial('loc1', (s) => [['tpm2_policylocality', '-S', s, 'one']]);
    expect(one).toEqual(calc().locality(2).digest());
    await seal('loc1', path('loc1.policy'));
    expect((await unseal('loc1', (s) => [['tpm2_policylocality', '-S', s, 'one']])).out).toMatch(/0x907\b/i);
  });

  it('tpm2_policynv: equality with the index contents', async () => {
    await run('tpm2_nvdefine', '0x1500020', '-C', 'o', '-p', 'nvpass', '-a', 'authread|authwrite', '-s', '1');
    await runIn(Buffer.from([0xaa]), 'tpm2_nvwrite', '0x1500020', '-P', 'nvpass', '-i-');
    writeFileSync(path('aa'), Uint8Array.of(0xaa));
    writeFileSync(path('bb'), Uint8Array.of(0xbb));
    const step = (s: string, operand = 'aa') => ['tpm2_policynv', '-S', s, '-i', path(operand), '0x1500020', 'eq', '-P', 'nvpass'];
    const digest = await trial('nv', (s) => [step(s)]);
    expect(digest).toEqual(calc().nv(await nvName('0x1500020'), Uint8Array.of(0xaa), 0, TPM_EO.EQ).digest());
    await seal('nv', path('nv.policy'));
    await unsealed('nv', (s) => [step(s)]);
    // The comparison is false: TPM_RC_POLICY (0x126).
    expect((await unseal('nv', (s) => [step(s, 'bb')])).out).toMatch(/0x126\b/i);
  });

  it('tpm2_policycountertimer: within the first hour of TPM time', async () => {
    const digest = await trial('ct', (s) => [['tpm2_policycountertimer', '-S', s, '--ult', '3600000']]);
    expect(digest).toEqual(calc().counterTimer(u64(3_600_000), 0, TPM_EO.UNSIGNED_LT).digest());
    await seal('ct', path('ct.policy'));
    await unsealed('ct', (s) => [['tpm2_policycountertimer', '-S', s, '--ult', '3600000']]);
    // "time > one hour" is false now.
    expect((await unseal('ct', (s) => [['tpm2_policycountertimer', '-S', s, '--ugt', '3600000']])).out).toMatch(/0x126\b/i);
  });

  it('tpm2_policycphash with an authorized policy on a bits index (tpm2_nvsetbits --cphash)', async () => {
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_loadexternal', '-C', 'o', '-G', 'rsa', '-u', path('signer.pub.pem'), '-c', path('signer.ctx'), '-n', path('signer.name'));
    const authorized = await trial('cp-auth', (s) => [['tpm2_policyauthorize', '-S', s, '-n', path('signer.name')]]);
    await run('tpm2_nvdefine', '0x1500021', '-C', 'o', '-a', 'policywrite|authwrite|ownerread|nt=bits', '-L', path('cp-auth.policy'));
    await run('tpm2_nvsetbits', '0x1500021', '-i', '1', '--cphash', path('cp.hash'));
    // The tools write cpHash as a TPM2B_DIGEST.
    const cp = file('cp.hash');
    expect(cp.length).toBe(34);
    const digest = await trial('cp', (s) => [['tpm2_policycphash', '-S', s, '--cphash-input', path('cp.hash')]]);
    expect(digest).toEqual(calc().cpHash(cp.subarray(2)).digest());
    openssl('dgst', '-sha256', '-sign', path('signer.pem'), '-out', path('cp.sig'), path('cp.policy'));
    await run('tpm2_verifysignature', '-c', path('signer.ctx'), '-g', 'sha256', '-m', path('cp.policy'), '-s', path('cp.sig'), '-f', 'rsassa', '-t', path('cp.tk'));
    const s = path('cp.session');
    await run('tpm2_startauthsession', '--policy-session', '-S', s);
    await run('tpm2_policycphash', '-S', s, '--cphash-input', path('cp.hash'));
    await run('tpm2_policyauthorize', '-S', s, '-i', path('cp.policy'), '-n', path('signer.name'), '-t', path('cp.tk'));
    expect(await fails('tpm2_nvsetbits', '0x1500021', '-i', '2', '-P', `session:${s}`)).toMatch(/0x99d\b/i);
    await run('tpm2_nvsetbits', '0x1500021', '-i', '1', '-P', `session:${s}`);
    await run('tpm2_flushcontext', s);
    expect(authorized).toEqual(calc().authorize(file('signer.name')).digest());
    expect((await run('tpm2_nvread', '0x1500021', '-C', 'o', '-s', '8')).length).toBe(8);
  });

  it('tpm2_policynamehash and tpm2_policytemplate under an owner policy (tpm2_setprimarypolicy, tpm2_createprimary -P session)', async () => {
    // nameHash of CreatePrimary(owner): H(owner's Name, 0x40000001).
    writeFileSync(path('owner.hash'), sha256(u32(TPM_RH.OWNER)));
    const byName = await trial('namehash', (s) => [['tpm2_policynamehash', '-S', s, '-n', path('owner.hash')]]);
    expect(byName).toEqual(calc().nameHash(sha256(u32(TPM_RH.OWNER))).digest());
    await run('tpm2_setprimarypolicy', '-C', 'o', '-g', 'sha256', '-L', path('namehash.policy'));
    const s = path('owner.session');
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_startauthsession', '--policy-session', '-S', s);
    await run('tpm2_policynamehash', '-S', s, '-n', path('owner.hash'));
    await run('tpm2_createprimary', '-C', 'o', '-P', `session:${s}`, '-c', path('byname.ctx'));
    await run('tpm2_flushcontext', s);

    // PolicyTemplate: the hash of the template data tpm2_createprimary writes.
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_createprimary', '-C', 'o', '-G', 'ecc', '-c', path('tmpl.ctx'), '--template-data', path('template.data'));
    writeFileSync(path('template.hash'), sha256(file('template.data')));
    const byTemplate = await trial('template', (x) => [['tpm2_policytemplate', '-S', x, '--template-hash', path('template.hash')]]);
    expect(byTemplate).toEqual(calc().template(sha256(file('template.data'))).digest());
    await run('tpm2_setprimarypolicy', '-C', 'o', '-g', 'sha256', '-L', path('template.policy'));
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_startauthsession', '--policy-session', '-S', s);
    await run('tpm2_policytemplate', '-S', s, '--template-hash', path('template.hash'));
    // Another template (RSA) fails the policy (TPM_RC_POLICY_FAIL, session 1); the ECC one passes.
    expect(await fails('tpm2_createprimary', '-C', 'o', '-G', 'rsa', '-P', `session:${s}`, '-c', path('tmpl2.ctx'))).toMatch(/0x99d\b/i);
    await run('tpm2_createprimary', '-C', 'o', '-G', 'ecc', '-P', `session:${s}`, '-c', path('tmpl2.ctx'));
    await run('tpm2_flushcontext', s);
  });

  it('tpm2_policyauthvalue and tpm2_policypassword with the object\'s auth value (session:file+auth)', async () => {
    const av = await trial('authvalue', (s) => [['tpm2_policyauthvalue', '-S', s]]);
    expect(av).toEqual(calc().authValue().digest());
    expect(await trial('password', (s) => [['tpm2_policypassword', '-S', s]])).toEqual(av);
    await seal('authvalue', path('authvalue.policy'), 'objpass');
    await unsealed('authvalue', (s) => [['tpm2_policyauthvalue', '-S', s]], '+objpass');
    await unsealed('authvalue', (s) => [['tpm2_policypassword', '-S', s]], '+objpass');
    expect((await unseal('authvalue', (s) => [['tpm2_policyauthvalue', '-S', s]], '+wrong')).ok).toBe(false);
    expect((await unseal('authvalue', (s) => [['tpm2_policypassword', '-S', s]], '+wrong')).ok).toBe(false);
  });

  it('tpm2_policyduplicationselect with tpm2_duplicate', async () => {
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_createprimary', '-C', 'n', '-g', 'sha256', '-G', 'ecc', '-c', path('dst.ctx'));
    await run('tpm2_readpublic', '-c', path('dst.ctx'), '-n', path('dst.name'));
    const digest = await trial('dupsel', (s) => [['tpm2_policyduplicationselect', '-S', s, '-N', path('dst.name')]]);
    expect(digest).toEqual(calc().duplicationSelect(new Uint8Array(0), file('dst.name'), false).digest());
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_create', '-C', path('prim.ctx'), '-g', 'sha256', '-G', 'ecc', '-r', path('dup.priv'), '-u', path('dup.pub'), '-L', path('dupsel.policy'), '-a', 'sensitivedataorigin|sign|decrypt', '-c', path('dup.ctx'));
    await run('tpm2_readpublic', '-c', path('dup.ctx'), '-n', path('dup.name'));
    const s = path('dup.session');
    await run('tpm2_flushcontext', '-t');
    await run('tpm2_createprimary', '-C', 'n', '-g', 'sha256', '-G', 'ecc', '-c', path('dst.ctx'));
    await run('tpm2_startauthsession', '--policy-session', '-S', s);
    await run('tpm2_policyduplicationselect', '-S', s, '-N', path('dst.name'), '-n', path('dup.name'));
    await run('tpm2_duplicate', '-C', path('dst.ctx'), '-c', path('dup.ctx'), '-G', 'null', '-p', `session:${s}`, '-r', path('dup2.priv'), '-s', path('dup.seed'));
    await run('tpm2_flushcontext', s);
    expect(file('dup2.priv').length).toBeGreaterThan(0);
  });

  it('tpm2_policynvwritten: a write-once index', async () => {
    const digest = await trial('written', (s) => [['tpm2_policycommandcode', '-S', s, 'TPM2_CC_NV_Write'], ['tpm2_policynvwritten', '-S', s, 'c']]);
    expect(digest).toEqual(calc().commandCode(TPM_CC.NV_Write).nvWritten(false).digest());
    await run('tpm2_nvdefine', '0x1500022', '-C', 'o', '-s', '1', '-a', 'authread|policywrite', '-p', 'nvrdpass', '-L', path('written.policy'));
    const write = async () => {
      const s = path('written.session');
      await run('tpm2_startauthsession', '--policy-session', '-S', s);
      try {
        await run('tpm2_policycommandcode', '-S', s, 'TPM2_CC_NV_Write');
        await run('tpm2_policynvwritten', '-S', s, 'c');
        return await tool(tcti, ['tpm2_nvwrite', '0x1500022', '-i-', '-P', `session:${s}`], Buffer.from([0xaa]));
      } finally {
        await run('tpm2_flushcontext', s);
      }
    };
    expect((await write()).code).toBe(0);
    const again = await write();
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/0x99d\b/i);
  });

  it('tpm2_policyauthorizenv: the approved policy (tpm2_policypassword) in an NV index', async () => {
    await run('tpm2_nvdefine', '0x1500023', '-C', 'o', '-p', 'nvpass', '-a', 'authread|authwrite', '-s', '34');
    const pass = await trial('anv-pass', (s) => [['tpm2_policypassword', '-S', s]]);
    await runIn(Buffer.concat([Buffer.from([0x00, 0x0b]), pass]), 'tpm2_nvwrite', '0x1500023', '-C', '0x1500023', '-P', 'nvpass', '-i-');
    const digest = await trial('anv', (s) => [['tpm2_policyauthorizenv', '-S', s, '-C', '0x1500023', '-P', 'nvpass', '0x1500023']]);
    expect(digest).toEqual(calc().authorizeNV(await nvName('0x1500023')).digest());
    await seal('anv', path('anv.policy'));
    await unsealed('anv', (s) => [['tpm2_policypassword', '-S', s], ['tpm2_policyauthorizenv', '-S', s, '-C', '0x1500023', '-P', 'nvpass', '0x1500023']]);
    // Without the approved policy first: TPM_RC_VALUE (0x084).
    expect((await unseal('anv', (s) => [['tpm2_policyauthorizenv', '-S', s, '-C', '0x1500023', '-P', 'nvpass', '0x1500023']])).out).toMatch(/0x84\b|0x084\b/i);
  });
});
