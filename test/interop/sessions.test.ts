/**
 * Debian's tpm2-tools against `vtpm serve` with salted HMAC sessions and parameter encryption
 * (the tools' `-S`/`session:` with tpm2_sessionconfig --enable-encrypt --enable-decrypt): the
 * ESAPI of tpm2-tss encrypts the first parameter, decrypts the first response parameter and
 * checks every response HMAC, so a wrong key, nonce or IV anywhere fails the tool.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from '../../src/node/server.js';
import { HAVE_TPM2_TOOLS, implemented, ok } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-sessions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);

describe.skipIf(!HAVE_TPM2_TOOLS || !implemented('StartAuthSession', 'CreatePrimary', 'NV_Write'))('tpm2-tools salted and encrypted sessions against vtpm serve', () => {
  let server: Server;
  let tcti: string;
  const run = (...args: string[]) => ok(tcti, args);
  beforeAll(async () => {
    server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'interop sessions' }, logger: { warn: (m) => console.warn(m) } });
    tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
    await run('tpm2_startup', '-c');
    await run('tpm2_nvdefine', '0x1500100', '-C', 'o', '-s', '16', '-a', 'ownerread|ownerwrite');
    writeFileSync(path('data'), '0123456789abcdef');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a session bound to the owner hierarchy (with its auth) authorizes it; a trial and a policy session start', async () => {
    await run('tpm2_changeauth', '-c', 'o', 'ownerpw');
    const s = path('bound.session');
    await run('tpm2_startauthsession', '-S', s, '--hmac-session', '--bind-context', 'o', '--bind-auth', 'ownerpw');
    await run('tpm2_nvwrite', '0x1500100', '-C', 'o', '-P', `session:${s}+ownerpw`, '-i', path('data'));
    await run('tpm2_flushcontext', s);
    await run('tpm2_changeauth', '-c', 'o', '-p', 'ownerpw');
    for (const kind of [[], ['--policy-session']]) {
      const p = path(`plain${kind.length}.session`);
      await run('tpm2_startauthsession', '-S', p, ...kind);
      expect((await run('tpm2_getpolicydigest', '-S', p, '--hex')).trim()).toMatch(/^0{64}$/);
      await run('tpm2_flushcontext', p);
    }
  });

  for (const alg of ['rsa', 'ecc'] as const) {
    it(`a session salted with an ${alg} primary encrypts nvwrite, nvread, getrandom, create, load, sign and unseal`, async () => {
      await run('tpm2_flushcontext', '-t');
      await run('tpm2_createprimary', '-C', 'o', '-G', alg, '-c', path(`${alg}.ctx`));
      const s = path(`${alg}.session`);
      await run('tpm2_startauthsession', '-S', s, '--hmac-session', '-c', path(`${alg}.ctx`));
      await run('tpm2_sessionconfig', s, '--enable-encrypt', '--enable-decrypt');
      expect(await run('tpm2_sessionconfig', s)).toMatch(/continuesession\|decrypt\|encrypt/);
      await run('tpm2_nvwrite', '0x1500100', '-C', 'o', '-P', `session:${s}`, '-i', path('data'));
      expect(await run('tpm2_nvread', '0x1500100', '-C', 'o', '-P', `session:${s}`, '-s', '16')).toBe('0123456789abcdef');
      expect((await run('tpm2_getrandom', '-S', s, '--hex', '16')).trim()).toMatch(/^[0-9a-f]{32}$/);
      await run('tpm2_create', '-C', path(`${alg}.ctx`), '-i', path('data'), '-u', path(`${alg}.seal.pub`), '-r', path(`${alg}.seal.priv`), '-S', s);
      await run('tpm2_load', '-C', path(`${alg}.ctx`), '-u', path(`${alg}.seal.pub`), '-r', path(`${alg}.seal.priv`), '-c', path(`${alg}.seal.ctx`));
      if (implemented('Unseal')) expect(await run('tpm2_unseal', '-c', path(`${alg}.seal.ctx`), '-S', s)).toBe('0123456789abcdef');
      // A signing key created, loaded and used through the encrypted session.
      await run('tpm2_create', '-C', path(`${alg}.ctx`), '-G', 'ecc', '-u', path(`${alg}.sign.pub`), '-r', path(`${alg}.sign.priv`), '-S', s);
      await run('tpm2_load', '-C', path(`${alg}.ctx`), '-u', path(`${alg}.sign.pub`), '-r', path(`${alg}.sign.priv`), '-c', path(`${alg}.sign.ctx`), '-P', `session:${s}`);
      await run('tpm2_sign', '-c', path(`${alg}.sign.ctx`), '-g', 'sha256', '-o', path(`${alg}.sig`), '-p', `session:${s}`, path('data'));
      await run('tpm2_verifysignature', '-c', path(`${alg}.sign.ctx`), '-g', 'sha256', '-m', path('data'), '-s', path(`${alg}.sig`));
      await run('tpm2_flushcontext', s);
      expect(readFileSync(path('data'), 'utf8')).toBe('0123456789abcdef');
    });
  }
});
