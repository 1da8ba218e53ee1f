/**
 * Debian's tpm2-tools hierarchy, dictionary-attack and clock tools against `vtpm serve` (mssim
 * TCTI): changeauth, hierarchycontrol, setprimarypolicy, clearcontrol, clear, changeeps,
 * changepps, dictionarylockout, setclock, clockrateadjust, readclock. Skips when tpm2-tools is
 * not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from '../../src/node/server.js';
import { HAVE_TPM2_TOOLS, implemented, ok, tool } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-hier-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(work, name);
  writeFileSync(p, content);
  return p;
};

/** One property from `tpm2_getcap properties-variable` (YAML: `TPM2_PT_X: 0x..` or a nested value). */
function prop(out: string, name: string): string | undefined {
  const m = new RegExp(`${name}:\\s*(\\S+)`).exec(out);
  return m?.[1];
}

describe.skipIf(!HAVE_TPM2_TOOLS || !implemented('Clear', 'HierarchyChangeAuth', 'ClockSet', 'DictionaryAttackParameters'))(
  'tpm2-tools hierarchy, DA and clock tools against vtpm serve',
  () => {
    let server: Server;
    let tcti: string;
    beforeAll(async () => {
      server = await serve({ protocol: 'mssim', port: 0, tpmOptions: { seed: 'interop hierarchy' }, logger: { warn: (m) => console.warn(m) } });
      tcti = `mssim:host=127.0.0.1,port=${server.address.port}`;
      await ok(tcti, ['tpm2_startup', '-c']);
    });
    afterAll(async () => {
      await server?.close();
    });
    const run = (...args: string[]) => ok(tcti, args);
    const fails = async (...args: string[]) => {
      const r = await tool(tcti, args);
      expect(r.code).not.toBe(0);
      return r.stderr;
    };

    // ESAPI checks the response HMAC of HierarchyChangeAuth with the new authValue (the TCG
    // reference computes it with the entity's authValue after the command).
    it('tpm2_changeauth of owner, endorsement, lockout and platform', async () => {
      await run('tpm2_changeauth', '-c', 'o', 'owner-pw');
      await run('tpm2_changeauth', '-c', 'e', 'endorse-pw');
      await run('tpm2_changeauth', '-c', 'l', 'lockout-pw');
      await run('tpm2_changeauth', '-c', 'p', 'platform-pw');
      const vars = await run('tpm2_getcap', 'properties-variable');
      expect(vars).toMatch(/ownerAuthSet:\s*1/);
      expect(vars).toMatch(/endorsementAuthSet:\s*1/);
      expect(vars).toMatch(/lockoutAuthSet:\s*1/);
      // The owner password is now required.
      expect(await fails('tpm2_changeauth', '-c', 'o', '-p', 'wrong', 'x')).toMatch(/0x9a2|bad auth|authorization/i);
      await run('tpm2_changeauth', '-c', 'o', '-p', 'owner-pw');
      await run('tpm2_changeauth', '-c', 'e', '-p', 'endorse-pw');
      await run('tpm2_changeauth', '-c', 'p', '-p', 'platform-pw');
      await run('tpm2_changeauth', '-c', 'l', '-p', 'lockout-pw');
      expect(await run('tpm2_getcap', 'properties-variable')).toMatch(/ownerAuthSet:\s*0/);
    });

    it('tpm2_hierarchycontrol disables and enables the storage hierarchy', async () => {
      await run('tpm2_hierarchycontrol', '-C', 'o', 'shEnable', 'clear');
      expect(await run('tpm2_getcap', 'properties-variable')).toMatch(/shEnable:\s*0/);
      await fails('tpm2_changeauth', '-c', 'o', 'x');
      await run('tpm2_hierarchycontrol', '-C', 'p', 'shEnable', 'set');
      expect(await run('tpm2_getcap', 'properties-variable')).toMatch(/shEnable:\s*1/);
    });

    it('tpm2_setprimarypolicy', async () => {
      await run('tpm2_setprimarypolicy', '-C', 'o', '-L', file('policy', Buffer.alloc(32, 1)), '-g', 'sha256');
      await run('tpm2_setprimarypolicy', '-C', 'p', '-L', file('policy2', Buffer.alloc(32, 2)), '-g', 'sha256');
      // The size must match the hash: TPM_RC_SIZE on parameter 1.
      expect(await fails('tpm2_setprimarypolicy', '-C', 'o', '-L', file('short', Buffer.alloc(20, 1)), '-g', 'sha256')).toMatch(/0x1d5|size/i);
    });

    it('tpm2_dictionarylockout: parameters and clearing the lockout', async () => {
      await run('tpm2_dictionarylockout', '-s', '-n', '5', '-t', '6', '-l', '7');
      const vars = await run('tpm2_getcap', 'properties-variable');
      expect(Number(prop(vars, 'TPM2_PT_MAX_AUTH_FAIL'))).toBe(5);
      expect(Number(prop(vars, 'TPM2_PT_LOCKOUT_INTERVAL'))).toBe(6);
      expect(Number(prop(vars, 'TPM2_PT_LOCKOUT_RECOVERY'))).toBe(7);
      await run('tpm2_dictionarylockout', '-c');
      expect(Number(prop(await run('tpm2_getcap', 'properties-variable'), 'TPM2_PT_LOCKOUT_COUNTER'))).toBe(0);
    });

    it('tpm2_setclock, tpm2_readclock, tpm2_clockrateadjust', async () => {
      await run('tpm2_setclock', '1000000000');
      const clock = Number(/clock:\s*(\d+)/.exec(await run('tpm2_readclock'))?.[1]);
      expect(clock).toBeGreaterThanOrEqual(1_000_000_000);
      expect(await fails('tpm2_setclock', '5')).toMatch(/0x1c4|value/i);
      await run('tpm2_clockrateadjust', 's');
      await run('tpm2_clockrateadjust', 'fff');
    });

    it('tpm2_clearcontrol disables tpm2_clear; tpm2_clear with lockout and platform auth; tpm2_changeeps, tpm2_changepps', async () => {
      await run('tpm2_clearcontrol', '-C', 'l', 's');
      expect(await run('tpm2_getcap', 'properties-variable')).toMatch(/disableClear:\s*1/);
      expect(await fails('tpm2_clear')).toMatch(/0x120|disabled/i);
      await run('tpm2_clearcontrol', '-C', 'p', 'c');
      await run('tpm2_clear');
      expect(await run('tpm2_getcap', 'properties-variable')).toMatch(/ownerAuthSet:\s*0/);
      // Clear set Clock to zero.
      expect(Number(/clock:\s*(\d+)/.exec(await run('tpm2_readclock'))?.[1])).toBeLessThan(1_000_000_000);
      await run('tpm2_clear', '-c', 'p');
      await run('tpm2_changeeps');
      await run('tpm2_changepps');
    });
  },
);
