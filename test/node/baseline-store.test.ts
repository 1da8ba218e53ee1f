/**
 * fileBaselineStore (src/node/baseline-store.ts): one JSON file per instance, atomic writes.
 * Records survive a new store on the same directory; a write interrupted before its rename (a
 * leftover temporary file) leaves the last good record; a process killed at random instants
 * while writing always leaves a complete record; concurrent updates in one process are
 * serialised (none lost); a damaged file is refused with its path named.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BaselineError, parseBaseline, type Baseline } from '../../src/attest/baseline.js';
import { createVerifier } from '../../src/attest/store.js';
import { fileBaselineStore, instanceFileName } from '../../src/node/baseline-store.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-baselines-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(work, `store-${n++}`);

function baseline(label: string, historyLength = 1): Baseline {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    version: 1,
    instance: label,
    created: at,
    updated: at,
    imaPcr: 10,
    pcrs: { 4: { values: { sha256: 'ab'.repeat(32) }, events: [{ type: 'EV_IPL', description: `kernel of ${label}`, digests: { sha256: 'cd'.repeat(32) } }] } },
    ima: { digests: { '/usr/bin/bash': ['ef'.repeat(32)] }, excludes: ['^/tmp/'], excludePrefixes: [] },
    history: Array.from({ length: historyLength }, (_, i) => ({ at, by: 'test', reason: `change ${i}`, action: i === 0 ? ('record' as const) : ('accept' as const), pcrs: [], ima: [] })),
  };
}

/** A pid that is not running now. */
function deadPid(): number {
  for (let pid = 4_000_000; pid > 1000; pid -= 7919) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
  throw new Error('no free pid found');
}

describe('fileBaselineStore', () => {
  it('keeps records across store instances; lists, deletes; odd instance ids stay inside the directory', async () => {
    const dir = freshDir();
    const a = fileBaselineStore(dir);
    const ids = ['vm-1', 'vm.2', '../etc/passwd', 'a b/c:d', 'é', '.hidden', '%41'];
    for (const id of ids) await a.put(id, baseline(id));
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(ids.length);
    for (const f of names) expect(f).toMatch(/^[A-Za-z0-9_%-][A-Za-z0-9_.%-]*\.json$/);
    expect(instanceFileName('../etc/passwd')).toBe('%2E.%2Fetc%2Fpasswd.json');
    const b = fileBaselineStore(dir);
    expect(await b.list()).toEqual([...ids].sort());
    for (const id of ids) expect(await b.get(id)).toEqual(baseline(id));
    expect(await b.get('absent')).toBeUndefined();
    // A human-readable file: indented JSON, the history inside.
    const text = readFileSync(b.pathOf('vm-1'), 'utf8');
    expect(text).toMatch(/^\{\n {2}"version": 1,/);
    expect(parseBaseline(text).history[0].reason).toBe('change 0');
    expect(await b.delete('vm-1')).toBe(true);
    expect(await b.delete('vm-1')).toBe(false);
    expect(await fileBaselineStore(dir).list()).not.toContain('vm-1');
    await expect(b.get('')).rejects.toThrow(/non-empty/);
    await expect(b.put('x', { ...baseline('x'), version: 2 } as unknown as Baseline)).rejects.toThrow(/version 2 is not 1/);
  });

  it('a write interrupted before its rename (a leftover temporary file) leaves the last good record; the leftover of a dead writer is removed', async () => {
    const dir = freshDir();
    const a = fileBaselineStore(dir);
    await a.put('vm-1', baseline('vm-1', 3));
    const good = readFileSync(a.pathOf('vm-1'), 'utf8');
    // What a writer killed mid-write leaves: half a new record in its temporary file.
    const dead = join(dir, `${instanceFileName('vm-1')}.${deadPid()}.0.tmp`);
    const live = join(dir, `${instanceFileName('vm-1')}.${process.pid}.999.tmp`);
    writeFileSync(dead, good.slice(0, good.length / 2));
    writeFileSync(live, '{"version": 1, "pcr');
    const b = fileBaselineStore(dir);
    expect(await b.get('vm-1')).toEqual(baseline('vm-1', 3));
    expect(await b.list()).toEqual(['vm-1']);
    expect(existsSync(dead)).toBe(false); // its writer is gone
    expect(existsSync(live)).toBe(true); // a writer in this process might still be at work
    await b.put('vm-1', baseline('vm-1', 4));
    expect((await fileBaselineStore(dir).get('vm-1'))!.history).toHaveLength(4);
    rmSync(live);
  });

  it('a damaged file is refused with its path named and left in place', async () => {
    const dir = freshDir();
    const s = fileBaselineStore(dir);
    await s.put('vm-1', baseline('vm-1'));
    writeFileSync(s.pathOf('vm-1'), '{"version": 1, "created": ');
    const err = await s.get('vm-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaselineError);
    expect((err as Error).message).toContain(`baseline file ${s.pathOf('vm-1')} is not valid JSON`);
    expect(readFileSync(s.pathOf('vm-1'), 'utf8')).toBe('{"version": 1, "created": ');
    // update() refuses too rather than replacing it.
    await expect(s.update('vm-1', () => baseline('vm-1'))).rejects.toThrow(/is not valid JSON/);
    writeFileSync(s.pathOf('vm-1'), JSON.stringify({ ...baseline('vm-1'), imaPcr: 'ten' }));
    await expect(s.get('vm-1')).rejects.toThrow(new RegExp(`baseline file .*vm-1\\.json: imaPcr is not a PCR number`));
  });

  it('concurrent updates of one instance in one process are serialised: none is lost', async () => {
    const dir = freshDir();
    const s = fileBaselineStore(dir, { durability: 'process' });
    await s.put('vm-1', baseline('vm-1'));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        s.update('vm-1', async (cur) => {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          return { ...cur!, history: [...cur!.history, { at: 'x', by: `writer ${i}`, reason: 'r', action: 'accept' as const, pcrs: [], ima: [] }] };
        }),
      ),
    );
    const b = (await fileBaselineStore(dir).get('vm-1'))!;
    expect(b.history).toHaveLength(41);
    expect(new Set(b.history.map((h) => h.by)).size).toBe(41);
    expect(readdirSync(dir)).toEqual(['vm-1.json']);
  });

  it('a verifier service over the file store: record at first boot fails cleanly without evidence values; history survives restarts', async () => {
    const dir = freshDir();
    const v = createVerifier({ store: fileBaselineStore(dir) });
    await v.store.put('vm-9', baseline('vm-9'));
    const again = createVerifier({ store: fileBaselineStore(dir) });
    expect(await again.history('vm-9')).toHaveLength(1);
    const b = await again.updatePolicy('vm-9', { allow: { '/usr/bin/ls': ['12'.repeat(32)] } }, { by: 'ops', reason: 'ls' });
    expect((await fileBaselineStore(dir).get('vm-9'))!.ima.digests['/usr/bin/ls']).toEqual(['12'.repeat(32)]);
    expect(b.history.map((h) => h.action)).toEqual(['record', 'policy']);
  });

  it('a process killed at any instant while writing leaves a complete record (old or new)', async () => {
    const built = fileURLToPath(new URL('../../dist/src/node/baseline-store.js', import.meta.url));
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npx tsc -b tsconfig.json\` first (npm test does)`);
    const dir = freshDir();
    await fileBaselineStore(dir).put('vm-1', baseline('vm-1', 1));
    const script = `
      const { fileBaselineStore } = await import(${JSON.stringify(pathToFileURL(built).href)});
      const base = JSON.parse(process.argv[1]);
      const s = fileBaselineStore(${JSON.stringify(dir)});
      for (let i = 2; ; i++) {
        base.history.push({ ...base.history[0], reason: 'change ' + i });
        base.pcrs['4'].events.push({ ...base.pcrs['4'].events[0], description: 'x'.repeat(2000) });
        await s.put('vm-1', base);
        if (i === 2) process.stdout.write('ready\\n');
      }`;
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(baseline('vm-1', 1))], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('close', (code) => reject(new Error(`writer exited ${code}: ${err}`)));
      });
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      const got = (await fileBaselineStore(dir).get('vm-1'))!;
      expect(got.history.length).toBeGreaterThanOrEqual(2);
      expect(got.pcrs[4].events).toHaveLength(got.history.length);
    }
    // Only the record (the killed writers' temporary files are cleaned when a store opens the directory).
    await fileBaselineStore(dir).list();
    expect(readdirSync(dir)).toEqual(['vm-1.json']);
  }, 60_000);
});
