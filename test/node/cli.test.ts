/** The `vtpm` CLI (built): help, flag validation with exit code 2, serving, --startup, --seed, signals. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { TPM_RC } from '../../src/gen/constants.js';
import { parseServeArgs, UsageError } from '../../src/node/cli.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { runCli, startCli } from './cli-helpers.js';

describe('vtpm CLI: usage', () => {
  it('vtpm --help and vtpm serve --help print usage and exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: vtpm <command>/);
    expect(top.stdout).toMatch(/serve/);
    const serve = await runCli(['serve', '--help']);
    expect(serve.code).toBe(0);
    for (const flag of ['--protocol', '--host', '--port', '--state', '--memory', '--profile', '--seed', '--startup']) expect(serve.stdout).toContain(flag);
  });

  it('without a command: usage on stderr, exit 2; an unknown command is named', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: vtpm/);
    const bad = await runCli(['launch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'launch'/);
  });

  const refusals: [string[], RegExp][] = [
    [['--bogus'], /unknown flag '--bogus'/],
    [['--port', 'abc'], /--port must be an integer 0-65534.*'abc'/],
    [['--port', '65535'], /--port must be an integer 0-65534/],
    [['--port'], /--port needs a value/],
    [['--state', '/tmp/x', '--memory'], /--state and --memory cannot be used together/],
    [['--seed', 'xyz'], /--seed must be hex digits.*'xyz'/],
    [['--seed', 'abc'], /--seed must be hex digits/],
    [['--profile', 'tpm3'], /unknown --profile 'tpm3' \(one of tpm2, tcm2, pc-client\)/],
    [['--protocol', 'tcp'], /--protocol must be mssim or swtpm, not 'tcp'/],
    [['--startup=yes'], /--startup takes no value/],
    [['--port', '1', '--port', '2'], /--port is given more than once/],
    [['stray'], /unexpected argument 'stray'/],
  ];
  for (const [args, message] of refusals) {
    it(`vtpm serve ${args.join(' ')}: exit 2, names the flag`, async () => {
      const r = await runCli(['serve', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('parses --flag=value and --flag value alike', () => {
    const a = parseServeArgs(['--protocol=swtpm', '--port', '0', '--seed=0x00ff', '--profile', 'tcm2', '--startup', '--memory']);
    expect(a).toMatchObject({ protocol: 'swtpm', port: 0, profile: 'tcm2', startup: true, memory: true });
    expect(Array.from(a.seed!)).toEqual([0, 255]);
    expect(() => parseServeArgs(['--host='])).toThrow(UsageError);
  });

  it('a port in use is a clear error, exit 1', async () => {
    const first = await startCli(['serve', '--port', '0']);
    try {
      const r = await runCli(['serve', '--port', String(first.port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${first.port}: address in use`));
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });
});

describe('vtpm serve', () => {
  it('prints one listening line, serves mssim, and exits 0 on SIGINT', async () => {
    const s = await startCli(['serve', '--port', '0']);
    try {
      expect(s.line).toMatch(/^vtpm: tpm2 TPM listening \(mssim\) on 127\.0\.0\.1: command port \d+, platform port \d+; state in memory$/);
      expect(s.platformPort).toBe(s.port + 1);
      const t = tcpTransport({ protocol: 'mssim', port: s.port });
      await createClient(t).startup();
      await t.close();
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
    expect(s.output().stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--startup sends Startup(CLEAR); --seed makes two TPMs draw the same bytes', async () => {
    const args = ['serve', '--protocol', 'swtpm', '--port', '0', '--startup', '--seed', '00112233'];
    const a = await startCli(args);
    const b = await startCli(args);
    try {
      expect(a.line).toMatch(/data port \d+, control port \d+; state in memory; started$/);
      const draw = async (port: number) => {
        const t = tcpTransport({ protocol: 'swtpm', port });
        const c = createClient(t);
        const r = await c.run('GetRandom', { bytesRequested: 16 });
        const again = await c.startup().catch((e: { rc?: number }) => e.rc);
        await t.close();
        expect(again).toBe(TPM_RC.INITIALIZE);
        return Buffer.from(r.randomBytes).toString('hex');
      };
      expect(await draw(a.port)).toBe(await draw(b.port));
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
    }
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });

  it('--profile tcm2 serves a TCM', async () => {
    const s = await startCli(['serve', '--port', '0', '--profile', 'tcm2', '--startup']);
    try {
      expect(s.line).toMatch(/^vtpm: tcm2 TPM listening/);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
  });

  it('exits 0 when a client sends mssim TPM_STOP', async () => {
    const s = await startCli(['serve', '--port', '0']);
    const t = tcpTransport({ protocol: 'mssim', port: s.port });
    await t.platform.stop();
    await t.close();
    expect(await s.exited).toBe(0);
  });
});

describe('vtpm serve --state', () => {
  it('a corrupt state file is a clear error naming it, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-cli-'));
    try {
      writeFileSync(join(dir, 'persistent.vtpm'), 'VTPMSNAP\u0000\u0001{"trunc');
      const r = await runCli(['serve', '--port', '0', '--state', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`TPM state file ${join(dir, 'persistent.vtpm')} is corrupt or truncated`);
      // Nothing was replaced: the damaged file is still there.
      expect(readFileSync(join(dir, 'persistent.vtpm'), 'latin1')).toBe('VTPMSNAP\u0000\u0001{"trunc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--fresh keeps a damaged file aside and starts a new TPM, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-cli-'));
    try {
      writeFileSync(join(dir, 'persistent.vtpm'), 'garbage');
      const s = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir, '--fresh', '--startup']);
      try {
        const c = createClient(tcpTransport({ protocol: 'swtpm', port: s.port }));
        expect((await c.run('GetRandom', { bytesRequested: 2 })).randomBytes.length).toBe(2);
        await c.close();
      } finally {
        s.child.kill('SIGTERM');
        await s.exited;
      }
      expect(s.output().stderr).toMatch(/state file was damaged; kept it as .*corrupt-\d+ and started a new TPM/);
      expect(readdirSync(dir).some((f) => /^persistent\.vtpm\.corrupt-\d+$/.test(f))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--fresh without --state is a usage error naming the flag', async () => {
    const r = await runCli(['serve', '--fresh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fresh needs --state/);
  });
});
