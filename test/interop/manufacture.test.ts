/**
 * `vtpm serve --manufacture` (the built CLI) against Debian's tpm2-tools and openssl:
 * tpm2_getekcertificate reads the EK certificates from NV and `openssl verify` accepts them with
 * DIR/ca-cert.pem; tpm2_readpublic reads the persistent EKs, and tpm2_createek recreates the same
 * keys from the default templates; a restart keeps the EKs and does not manufacture again; a CA
 * given with --ca-cert/--ca-key signs; the tcm2 SM2 EK certificate verifies with the GM/T ID.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { manufacture } from '../../src/client/manufacture.js';
import { parseServeArgs, UsageError } from '../../src/node/cli.js';
import { serve } from '../../src/node/server.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { startCli, type RunningCli } from '../node/cli-helpers.js';
import { HAVE_OPENSSL, HAVE_TPM2_TOOLS, ok } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-manufacture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function stop(cli: RunningCli): Promise<void> {
  cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 5000);
  await cli.exited;
  clearTimeout(timer);
}

/** A certificate file as PEM (tpm2_getekcertificate writes PEM; tpm2_nvread writes DER). */
function asPem(file: string): string {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 10).toString() === '-----BEGIN') return file;
  const out = file + '.pem';
  writeFileSync(out, openssl('x509', '-inform', 'DER', '-in', file));
  return out;
}

describe('vtpm serve --manufacture: flags', () => {
  it('parses --manufacture, --ek, --ca-cert/--ca-key and names the bad flag', () => {
    const a = parseServeArgs(['--manufacture', '--ek', 'rsa2048,ecc-p256,H-5', '--ca-cert', 'c.pem', '--ca-key=k.pem']);
    expect(a).toMatchObject({ manufacture: true, ek: ['L-1', 'L-2', 'H-5'], caCert: 'c.pem', caKey: 'k.pem' });
    const refusals: [string[], RegExp][] = [
      [['--manufacture', '--ek', 'rsa1024'], /--ek: unknown key 'rsa1024'/],
      [['--ek', 'rsa2048'], /--ek needs --manufacture/],
      [['--ca-cert', 'c.pem', '--ca-key', 'k.pem'], /--ca-cert needs --manufacture/],
      [['--manufacture', '--ca-cert', 'c.pem'], /--ca-cert and --ca-key go together/],
      [['--manufacture=yes'], /--manufacture takes no value/],
      [['--manufacture', '--ca-key'], /--ca-key needs a value/],
    ];
    for (const [args, message] of refusals) {
      expect(() => parseServeArgs(args), args.join(' ')).toThrow(UsageError);
      expect(() => parseServeArgs(args), args.join(' ')).toThrow(message);
    }
  });
});

describe.skipIf(!HAVE_TPM2_TOOLS || !HAVE_OPENSSL)('vtpm serve --manufacture with tpm2-tools and openssl', () => {
  it('EK certificates from tpm2_getekcertificate verify with DIR/ca-cert.pem; the persistent EKs are the default-template EKs; a restart keeps them', async () => {
    const dir = path('state');
    let cli = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir, '--manufacture']);
    try {
      const { stdout } = cli.output();
      expect(stdout).toMatch(/manufactured in \d+ ms: EK L-1 0x81010001 \(certificate NV 0x01C00002\), EK L-2 0x81010002 \(certificate NV 0x01C0000A\)/);
      const caPem = join(dir, 'ca-cert.pem');
      expect(statSync(join(dir, 'ca-key.pem')).mode & 0o077).toBe(0);
      const tcti = `swtpm:host=127.0.0.1,port=${cli.port}`;
      const run = (...args: string[]) => ok(tcti, args);
      // Not started by --manufacture: the client sends Startup as usual.
      await run('tpm2_startup', '-c');
      await run('tpm2_getekcertificate', '-o', path('rsa.crt'), '-o', path('ecc.crt'));
      for (const c of ['rsa.crt', 'ecc.crt']) {
        const pem = asPem(path(c));
        expect(openssl('verify', '-CAfile', caPem, pem)).toMatch(/: OK/);
        expect(openssl('x509', '-in', pem, '-noout', '-text')).toMatch(/X509v3 Extended Key Usage:\s+2\.23\.133\.8\.1/);
      }
      // tpm2_readpublic on the persistent handles; the certificates carry those keys.
      expect(await run('tpm2_readpublic', '-c', '0x81010001', '-f', 'pem', '-o', path('ek-rsa.pem'))).toMatch(/type:\s*\n\s*value: rsa/);
      await run('tpm2_readpublic', '-c', '0x81010002', '-f', 'pem', '-o', path('ek-ecc.pem'));
      expect(readFileSync(path('ek-rsa.pem'), 'utf8')).toBe(openssl('x509', '-in', asPem(path('rsa.crt')), '-noout', '-pubkey'));
      expect(readFileSync(path('ek-ecc.pem'), 'utf8')).toBe(openssl('x509', '-in', asPem(path('ecc.crt')), '-noout', '-pubkey'));
      // tpm2_createek from the default templates gives the same public areas.
      await run('tpm2_readpublic', '-c', '0x81010001', '-o', path('persistent-rsa.pub'));
      await run('tpm2_readpublic', '-c', '0x81010002', '-o', path('persistent-ecc.pub'));
      await run('tpm2_createek', '-c', path('ek-rsa.ctx'), '-G', 'rsa', '-u', path('created-rsa.pub'));
      await run('tpm2_createek', '-c', path('ek-ecc.ctx'), '-G', 'ecc', '-u', path('created-ecc.pub'));
      expect(readFileSync(path('created-rsa.pub')).toString('hex')).toBe(readFileSync(path('persistent-rsa.pub')).toString('hex'));
      expect(readFileSync(path('created-ecc.pub')).toString('hex')).toBe(readFileSync(path('persistent-ecc.pub')).toString('hex'));
      await run('tpm2_flushcontext', '-t');
      // tpm2_nvread with owner authorization returns the same DER.
      await run('tpm2_nvread', '-C', 'o', '-o', path('rsa.der'), '0x01c00002');
      expect(openssl('verify', '-CAfile', caPem, asPem(path('rsa.der')))).toMatch(/: OK/);
      await run('tpm2_shutdown');
    } finally {
      await stop(cli);
    }
    const caBefore = readFileSync(join(dir, 'ca-cert.pem'), 'utf8');
    cli = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir, '--manufacture', '--startup']);
    try {
      expect(cli.output().stdout).toMatch(/already has an EK; --manufacture skipped/);
      const tcti = `swtpm:host=127.0.0.1,port=${cli.port}`;
      await ok(tcti, ['tpm2_nvread', '-C', 'o', '-o', path('rsa2.der'), '0x01c00002']);
      expect(readFileSync(path('rsa2.der')).toString('hex')).toBe(readFileSync(path('rsa.der')).toString('hex'));
      expect(readFileSync(join(dir, 'ca-cert.pem'), 'utf8')).toBe(caBefore);
    } finally {
      await stop(cli);
    }
  });

  it('--ca-cert/--ca-key: an openssl CA signs; --ek ecc-p256 only; --memory', async () => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', path('user-ca.key'), '-out', path('user-ca.pem'), '-subj', '/CN=user EK CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    const cli = await startCli(['serve', '--port', '0', '--memory', '--startup', '--manufacture', '--ek', 'ecc-p256', '--ca-cert', path('user-ca.pem'), '--ca-key', path('user-ca.key')]);
    try {
      expect(cli.output().stdout).toMatch(/EK L-2 0x81010002/);
      expect(cli.output().stdout).not.toMatch(/EK L-1/);
      const tcti = `mssim:host=127.0.0.1,port=${cli.port}`;
      await ok(tcti, ['tpm2_getekcertificate', '-o', path('user-ecc.crt')]);
      expect(openssl('verify', '-CAfile', path('user-ca.pem'), asPem(path('user-ecc.crt')))).toMatch(/: OK/);
      expect((await ok(tcti, ['tpm2_getcap', 'handles-persistent'])).trim()).toBe('- 0x81010002');
    } finally {
      await stop(cli);
    }
  });

  it('--memory without a CA prints the certificate of the CA it made', async () => {
    const cli = await startCli(['serve', '--port', '0', '--memory', '--startup', '--manufacture', '--ek', 'ecc-p256']);
    try {
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(cli.output().stdout)![0];
      writeFileSync(path('memory-ca.pem'), pem + '\n');
      const tcti = `mssim:host=127.0.0.1,port=${cli.port}`;
      await ok(tcti, ['tpm2_nvread', '-C', 'o', '-o', path('memory-ecc.der'), '0x01c0000a']);
      expect(openssl('verify', '-CAfile', path('memory-ca.pem'), asPem(path('memory-ecc.der')))).toMatch(/: OK/);
    } finally {
      await stop(cli);
    }
  });

  it('manufacture() over TCP (swtpm protocol) against serve(); tpm2_getekcertificate reads what it wrote', async () => {
    const server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'manufacture over tcp' }, logger: { warn: (m) => console.warn(m) } });
    const client = createClient(tcpTransport({ protocol: 'swtpm', port: server.address.port }));
    try {
      await client.startup();
      const r = await manufacture(client, { caSeed: 'tcp CA' });
      writeFileSync(path('tcp-ca.pem'), r.ca.pem());
      const tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
      await ok(tcti, ['tpm2_getekcertificate', '-o', path('tcp-rsa.crt'), '-o', path('tcp-ecc.crt')]);
      for (const [i, c] of ['tcp-rsa.crt', 'tcp-ecc.crt'].entries()) {
        const pem = asPem(path(c));
        expect(openssl('verify', '-CAfile', path('tcp-ca.pem'), pem)).toMatch(/: OK/);
        expect(execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER']).toString('hex')).toBe(Buffer.from(r.eks[i].certificate).toString('hex'));
      }
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('tcm2: the SM2 EK at 0x8101001A, its certificate at 0x01C0001A verifies (SM2-with-SM3, default ID)', async () => {
    const dir = path('tcm-state');
    const cli = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--profile', 'tcm2', '--state', dir, '--manufacture', '--startup']);
    try {
      expect(cli.output().stdout).toMatch(/EK H-5 0x8101001A \(certificate NV 0x01C0001A\)/);
      const tcti = `swtpm:host=127.0.0.1,port=${cli.port}`;
      await ok(tcti, ['tpm2_nvread', '-C', 'o', '-o', path('sm2.der'), '0x01c0001a']);
      const pem = asPem(path('sm2.der'));
      expect(openssl('x509', '-in', pem, '-noout', '-text')).toMatch(/Signature Algorithm: SM2-with-SM3/);
      expect(openssl('verify', '-vfyopt', 'distid:1234567812345678', '-CAfile', join(dir, 'ca-cert.pem'), pem)).toMatch(/: OK/);
      expect(await ok(tcti, ['tpm2_readpublic', '-c', '0x8101001a'])).toMatch(/sm2_p256|sm2/i);
    } finally {
      await stop(cli);
    }
  });
});
