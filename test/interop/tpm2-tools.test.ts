/**
 * Debian's tpm2-tools against `vtpm serve`, over both TCTIs (mssim and swtpm), and swtpm as the
 * oracle for PCR values after the same command sequence. Tools whose commands are not
 * implemented yet are skipped until their handlers land. Everything skips (with a message) when
 * tpm2-tools or swtpm are not installed; `.ci/run` installs them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { serve, type Server } from '../../src/node/server.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { startCli } from '../node/cli-helpers.js';
import { HAVE_SWTPM, HAVE_TPM2_TOOLS, implemented, implementedCount, INSTALL_HINT, ok, startSwtpm, tool, type Swtpm } from './tools.js';

if (!HAVE_TPM2_TOOLS) console.warn(`interop: tpm2-tools with the mssim/swtpm TCTIs not found; skipping (${INSTALL_HINT})`);
else if (!HAVE_SWTPM) console.warn(`interop: swtpm not found; skipping the swtpm comparisons (${INSTALL_HINT})`);

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(work, name);
  writeFileSync(p, content);
  return p;
};

const sha = (alg: string, ...parts: (Buffer | string)[]) => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
};
const zeros = (n: number) => Buffer.alloc(n);
/** PCR extend (Part 1 "Extend of a PCR"): new = H(old || digest). */
const extend = (alg: string, old: Buffer, digest: Buffer) => sha(alg, old, digest);

/** `tpm2_pcrread` output → { 'sha256:16': 'ABCD…' }. */
function parsePcrRead(out: string): Record<string, string> {
  const values: Record<string, string> = {};
  let bank = '';
  for (const line of out.split('\n')) {
    const b = /^\s+(\w+):\s*$/.exec(line);
    if (b) bank = b[1];
    const v = /^\s+(\d+)\s*:\s*0x([0-9A-Fa-f]+)/.exec(line);
    if (v) values[`${bank}:${v[1]}`] = v[2].toUpperCase();
  }
  return values;
}

/** `tpm2_getcap pcrs` → { sha256: [0..23], sha1: [] }. */
function parseBanks(out: string): Record<string, number[]> {
  const banks: Record<string, number[]> = {};
  for (const m of out.matchAll(/-\s+(\w+):\s+\[([^\]]*)\]/g)) {
    banks[m[1]] = m[2].trim() ? m[2].split(',').map((x) => Number(x.trim())) : [];
  }
  return banks;
}

const ALL_PCRS = Array.from({ length: 24 }, (_, i) => i);
const D1 = Buffer.from('00'.repeat(19) + '01', 'hex');
const D2 = Buffer.from('00'.repeat(31) + '02', 'hex');
const D3 = Buffer.from('11'.repeat(32), 'hex');

for (const protocol of ['mssim', 'swtpm'] as const) {
  describe.skipIf(!HAVE_TPM2_TOOLS)(`tpm2-tools over the ${protocol} TCTI against vtpm serve`, () => {
    let server: Server;
    let tcti: string;
    beforeAll(async () => {
      server = await serve({ protocol, port: 0, tpmOptions: { seed: `interop ${protocol}` }, logger: { warn: (m) => console.warn(m) } });
      tcti = `${protocol}:host=127.0.0.1,port=${server.address.port}`;
    });
    afterAll(async () => {
      await server?.close();
    });
    const run = (...args: string[]) => ok(tcti, args);

    it('tpm2_startup -c', async () => {
      await run('tpm2_startup', '-c');
      // Startup again: the TPM says TPM_RC_INITIALIZE, which the tool accepts.
      await run('tpm2_startup', '-c');
    });

    it('tpm2_getrandom', async () => {
      const a = (await run('tpm2_getrandom', '--hex', '16')).trim();
      const b = (await run('tpm2_getrandom', '--hex', '16')).trim();
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(b).not.toBe(a);
      const out = join(work, `random-${protocol}.bin`);
      await run('tpm2_getrandom', '-o', out, '48');
    });

    it('tpm2_stirrandom', async () => {
      await run('tpm2_stirrandom', file('stir.bin', Buffer.alloc(64, 7)));
      await ok(tcti, ['tpm2_stirrandom'], Buffer.from('entropy from stdin'));
    });

    it.skipIf(!implemented('SelfTest'))('tpm2_selftest', async () => {
      await run('tpm2_selftest');
      await run('tpm2_selftest', '--fulltest');
    });

    it.skipIf(!implemented('IncrementalSelfTest'))('tpm2_incrementalselftest', async () => {
      expect(await run('tpm2_incrementalselftest', 'sha256', 'aes')).toMatch(/status:\s+complete/);
    });

    it.skipIf(!implemented('GetTestResult'))('tpm2_gettestresult', async () => {
      expect(await run('tpm2_gettestresult')).toMatch(/status:\s+success/);
    });

    describe.skipIf(!implemented('GetCapability'))('tpm2_getcap', () => {
      it('algorithms', async () => {
        const out = await run('tpm2_getcap', 'algorithms');
        expect(out).toMatch(/^sha256:\n\s+value:\s+0xB\n/m);
        expect(out).toMatch(/^sm3_256:\n\s+value:\s+0x12\n/m);
        expect(out).toMatch(/^ecc:\n\s+value:\s+0x23\n\s+asymmetric: 1/m);
      });

      it('commands: every implemented command is listed', async () => {
        const out = await run('tpm2_getcap', 'commands');
        expect(out).toMatch(/^TPM2_CC_Startup:\n\s+value: 0x\w*144\n/m);
        // tpm2-tools 5.4 prints commands newer than its headers (1.83's PolicyParameters) as a raw code.
        expect((out.match(/^TPM2_CC_\w+:$/gm) ?? []).length + (out.match(/^0x[0-9a-f]+:$/gim) ?? []).length).toBe(implementedCount());
      });

      it('pcrs', async () => {
        const banks = parseBanks(await run('tpm2_getcap', 'pcrs'));
        expect(banks.sha256).toEqual(ALL_PCRS);
      });

      it('properties-fixed', async () => {
        const out = await run('tpm2_getcap', 'properties-fixed');
        expect(out).toMatch(/TPM2_PT_FAMILY_INDICATOR:\n\s+raw: 0x322E3000\n\s+value: "2.0"/);
        expect(out).toMatch(/TPM2_PT_MANUFACTURER:\n\s+raw: 0x5654504D\n\s+value: "VTPM"/);
        expect(out).toMatch(/TPM2_PT_PCR_COUNT:\n\s+raw: 0x18/);
      });

      it('properties-variable', async () => {
        const out = await run('tpm2_getcap', 'properties-variable');
        expect(out).toMatch(/TPM2_PT_STARTUP_CLEAR:\n\s+phEnable:\s+1\n\s+shEnable:\s+1\n\s+ehEnable:\s+1/);
      });

      it('ecc-curves', async () => {
        const out = await run('tpm2_getcap', 'ecc-curves');
        expect(out).toMatch(/TPM2_ECC_NIST_P256: 0x3/);
        expect(out).toMatch(/TPM2_ECC_SM2_P256: 0x20/);
      });

      it('handles-permanent and handles-pcr', async () => {
        const permanent = await run('tpm2_getcap', 'handles-permanent');
        for (const h of ['0x40000001', '0x40000007', '0x40000009', '0x4000000A', '0x4000000B', '0x4000000C']) expect(permanent).toContain(`- ${h}`);
        expect((await run('tpm2_getcap', 'handles-pcr')).match(/^- 0x[0-9A-F]+$/gm)).toHaveLength(24);
      });

      for (const cap of ['handles-transient', 'handles-persistent', 'handles-nv-index', 'handles-loaded-session', 'handles-saved-session']) {
        it(`${cap} (none on a new TPM)`, async () => {
          expect((await run('tpm2_getcap', cap)).trim()).toBe('');
        });
      }
    });

    it.skipIf(!implemented('TestParms'))('tpm2_testparms', async () => {
      for (const p of ['rsa2048', 'ecc256', 'aes128cfb', 'keyedhash']) await run('tpm2_testparms', p);
      const refused = await tool(tcti, ['tpm2_testparms', 'ecc192']);
      expect(refused.code).not.toBe(0);
    });

    it.skipIf(!implemented('Hash'))('tpm2_hash', async () => {
      const data = file('hash.txt', 'The quick brown fox\n');
      for (const [alg, node] of [['sha1', 'sha1'], ['sha256', 'sha256'], ['sha384', 'sha384'], ['sha512', 'sha512'], ['sm3_256', 'sm3']]) {
        expect((await run('tpm2_hash', '-g', alg, '--hex', data)).trim()).toBe(sha(node, 'The quick brown fox\n').toString('hex'));
      }
    });

    it.skipIf(!implemented('PCR_Read'))('tpm2_pcrread', async () => {
      const values = parsePcrRead(await run('tpm2_pcrread', 'sha1:0,1,2+sha256:0,1,2'));
      expect(values['sha256:0']).toBe('0'.repeat(64));
      expect(values['sha1:2']).toBe('0'.repeat(40));
      expect(Object.keys(values)).toHaveLength(6);
    });

    it.skipIf(!implemented('PCR_Extend', 'PCR_Read', 'PCR_Reset'))('tpm2_pcrextend and tpm2_pcrreset', async () => {
      await run('tpm2_pcrreset', '16');
      await run('tpm2_pcrextend', `16:sha1=${D1.toString('hex')},sha256=${D2.toString('hex')}`);
      const values = parsePcrRead(await run('tpm2_pcrread', 'sha1:16+sha256:16'));
      expect(values['sha1:16']).toBe(extend('sha1', zeros(20), D1).toString('hex').toUpperCase());
      expect(values['sha256:16']).toBe(extend('sha256', zeros(32), D2).toString('hex').toUpperCase());
      await run('tpm2_pcrreset', '16');
      expect(parsePcrRead(await run('tpm2_pcrread', 'sha256:16'))['sha256:16']).toBe('0'.repeat(64));
      // PCR 0 is not resettable from locality 0: TPM_RC_LOCALITY.
      const refused = await tool(tcti, ['tpm2_pcrreset', '0']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/0x907|locality/i);
    });

    it.skipIf(!implemented('PCR_Event', 'PCR_Read', 'StartAuthSession', 'FlushContext'))('tpm2_pcrevent', async () => {
      await run('tpm2_pcrreset', '23');
      const out = await run('tpm2_pcrevent', '23', file('event.txt', 'event data'));
      expect(out).toContain(`sha256: ${sha('sha256', 'event data').toString('hex')}`);
      const values = parsePcrRead(await run('tpm2_pcrread', 'sha256:23'));
      expect(values['sha256:23']).toBe(extend('sha256', zeros(32), sha('sha256', 'event data')).toString('hex').toUpperCase());
    });

    it.skipIf(!implemented('PCR_Allocate', 'StartAuthSession', 'FlushContext', 'GetCapability'))('tpm2_pcrallocate (after a TPM reset)', async () => {
      await run('tpm2_pcrallocate', 'sha1:none+sha256:all+sha384:all');
      // An orderly TPM Reset: Shutdown(CLEAR), power cycle, Startup(CLEAR).
      await run('tpm2_shutdown', '-c');
      server.tpm.powerOff();
      server.tpm.powerOn();
      await run('tpm2_startup', '-c');
      const banks = parseBanks(await run('tpm2_getcap', 'pcrs'));
      expect(banks.sha1 ?? []).toEqual([]);
      expect(banks.sha256).toEqual(ALL_PCRS);
      expect(banks.sha384).toEqual(ALL_PCRS);
    });

    it.skipIf(!implemented('ReadClock'))('tpm2_readclock', async () => {
      const out = await run('tpm2_readclock');
      expect(out).toMatch(/^time: \d+$/m);
      expect(out).toMatch(/^\s+clock: \d+$/m);
      expect(out).toMatch(/^\s+reset_count: \d+$/m);
      expect(out).toMatch(/^\s+safe: yes$/m);
    });
  });
}

describe.skipIf(!HAVE_TPM2_TOOLS)('tpm2-tools against the vtpm CLI', () => {
  it('vtpm serve --protocol swtpm --startup answers tpm2_getrandom', async () => {
    const s = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--startup']);
    try {
      expect((await ok(`swtpm:host=127.0.0.1,port=${s.port}`, ['tpm2_getrandom', '--hex', '8'])).trim()).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
  });
});

/** The same PCR sequence on vtpm and on swtpm gives the same values (and the ones computed here). */
describe.skipIf(!HAVE_TPM2_TOOLS || !HAVE_SWTPM)('vtpm and swtpm agree', () => {
  let vtpm: Server;
  let swtpm: Swtpm;
  let vtcti: string;
  beforeAll(async () => {
    swtpm = await startSwtpm();
    vtpm = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'interop oracle' }, logger: { warn: (m) => console.warn(m) } });
    vtcti = `swtpm:host=127.0.0.1,port=${vtpm.address.port}`;
    await ok(vtcti, ['tpm2_startup', '-c']);
  });
  afterAll(async () => {
    await vtpm?.close();
    await swtpm?.stop();
  });

  const withEvent = implemented('PCR_Event', 'StartAuthSession', 'FlushContext');

  /** Runs the fixed sequence and returns tpm2_pcrread of PCRs 16 and 23 in sha1 and sha256. */
  async function sequence(tcti: string): Promise<Record<string, string>> {
    const run = (...args: string[]) => ok(tcti, args);
    await run('tpm2_pcrreset', '16');
    await run('tpm2_pcrreset', '23');
    await run('tpm2_pcrextend', `16:sha1=${D1.toString('hex')},sha256=${D2.toString('hex')}`);
    await run('tpm2_pcrextend', `16:sha256=${D3.toString('hex')}`);
    await run('tpm2_pcrextend', `23:sha1=${D1.toString('hex')}`);
    if (withEvent) {
      await run('tpm2_pcrevent', '16', file('seq-event.txt', 'measured boot event'));
      await ok(tcti, ['tpm2_pcrevent', '23'], 'xyz');
    }
    return parsePcrRead(await run('tpm2_pcrread', 'sha1:16,23+sha256:16,23'));
  }

  function expected(): Record<string, string> {
    let s1 = extend('sha1', zeros(20), D1);
    let s256 = extend('sha256', extend('sha256', zeros(32), D2), D3);
    let t1 = extend('sha1', zeros(20), D1);
    let t256 = zeros(32);
    if (withEvent) {
      s1 = extend('sha1', s1, sha('sha1', 'measured boot event'));
      s256 = extend('sha256', s256, sha('sha256', 'measured boot event'));
      t1 = extend('sha1', t1, sha('sha1', 'xyz'));
      t256 = extend('sha256', t256, sha('sha256', 'xyz'));
    }
    const hex = (b: Buffer) => b.toString('hex').toUpperCase();
    return { 'sha1:16': hex(s1), 'sha1:23': hex(t1), 'sha256:16': hex(s256), 'sha256:23': hex(t256) };
  }

  it.skipIf(!implemented('PCR_Extend', 'PCR_Read', 'PCR_Reset'))(`PCR values after pcrreset/pcrextend${withEvent ? '/pcrevent' : ''}`, async () => {
    const fromSwtpm = await sequence(swtpm.tcti);
    const fromVtpm = await sequence(vtcti);
    expect(fromSwtpm).toEqual(expected());
    expect(fromVtpm).toEqual(fromSwtpm);
  });

  it.skipIf(!implemented('Hash'))('tpm2_hash digests and tickets digests', async () => {
    const data = file('oracle-hash.txt', 'same input');
    const a = await ok(swtpm.tcti, ['tpm2_hash', '-g', 'sha256', '--hex', data]);
    const b = await ok(vtcti, ['tpm2_hash', '-g', 'sha256', '--hex', data]);
    expect(b).toBe(a);
  });

  it.skipIf(!implemented('GetCapability'))('tpm2_getcap handles-pcr and handles-permanent', async () => {
    for (const cap of ['handles-pcr', 'handles-permanent']) {
      expect(await ok(vtcti, ['tpm2_getcap', cap])).toBe(await ok(swtpm.tcti, ['tpm2_getcap', cap]));
    }
  });

  it("vtpm's tcpTransport drives the real swtpm (data and control channels)", async () => {
    const t = tcpTransport({ protocol: 'swtpm', port: swtpm.port });
    try {
      const caps = await t.platform.capabilities();
      expect(caps & 0x1).toBe(1); // PTM_CAP_INIT
      const info = await t.platform.info(1n);
      expect(info).toHaveProperty('TPMSpecification');
      const r = await createClient(t).run('GetRandom', { bytesRequested: 16 });
      expect(r.randomBytes.length).toBe(16);
      await t.platform.setLocality(0);
    } finally {
      await t.close();
    }
  });
});
