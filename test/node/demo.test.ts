/** `npm run demo` (examples/trusted-fleet.ts) tells its story end to end; a short fleet keeps it quick. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('runs the trusted-instance story on both profiles and a small fleet', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'examples/trusted-fleet.ts', '--instances', '20'], { encoding: 'utf8', timeout: 120_000 });
    for (const vm of ['vm-web', 'vm-gov']) expect(out).toContain(`== ${vm}:`);
    expect(out.match(/baseline recorded; TRUSTED/g)).toHaveLength(2);
    expect(out.match(/PCR {2}9 untrusted changed/g)).toHaveLength(2);
    expect(out.match(/quote on host B by the same AK: TRUSTED against the old baseline/g)).toHaveLength(2);
    expect(out.match(/refused \(replay\)/g)).toHaveLength(2);
    expect(out).toMatch(/20 of 20 trusted/);
  }, 150_000);

  it('names a bad flag', () => {
    let err = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'examples/trusted-fleet.ts', '--instances', 'x'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = String((e as { stderr?: string }).stderr);
    }
    expect(err).toMatch(/--instances needs a positive integer/);
  });
});
