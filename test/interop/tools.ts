/** Helpers for driving Debian's tpm2-tools and swtpm from tests. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createTpm } from '../../src/tpm/engine.js';

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function haveLibrary(soname: string): boolean {
  try {
    return execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).includes(soname);
  } catch {
    return false;
  }
}

/** tpm2-tools with the mssim and swtpm TCTIs (Debian: tpm2-tools, libtss2-tcti-mssim0, libtss2-tcti-swtpm0). */
export const HAVE_TPM2_TOOLS =
  onPath('tpm2_getrandom') && haveLibrary('libtss2-tcti-mssim.so.0') && haveLibrary('libtss2-tcti-swtpm.so.0');
/** swtpm with a socket interface (Debian: swtpm, swtpm-tools). */
export const HAVE_SWTPM = onPath('swtpm') && onPath('swtpm_ioctl');

/** openssl (Debian: openssl), to check signatures of keys the tools export as PEM. */
export const HAVE_OPENSSL = onPath('openssl');

export const INSTALL_HINT = 'apt-get install -y tpm2-tools libtss2-tcti-mssim0 libtss2-tcti-swtpm0 swtpm swtpm-tools openssl';

const IMPLEMENTED = new Set([...createTpm().profile.commands.values()].map((d) => d.name));
/** Are all these commands implemented by the engine (so the tool using them can work)? */
export const implemented = (...names: string[]) => names.every((n) => IMPLEMENTED.has(n));
export const implementedCount = () => IMPLEMENTED.size;

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one tool against `tcti` (asynchronously: an in-process server must keep answering).
 * Never uses the tools' default TCTI.
 */
export function tool(tcti: string, args: string[], input?: Buffer | string, timeoutMs = 30_000): Promise<ToolResult> {
  const [cmd, ...rest] = args;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, {
      env: { ...process.env, TPM2TOOLS_TCTI: tcti, TSS2_LOG: 'all+NONE' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A tool that exits before reading its input must not end the test run with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Like tool(), but fails the test on a non-zero exit with the tool's own message. */
export async function ok(tcti: string, args: string[], input?: Buffer | string): Promise<string> {
  const r = await tool(tcti, args, input);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited with ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A port P with P+1 also free now (for processes that take both from the command line). */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen({ port: 0, host: '127.0.0.1' }, () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    if (p < 65535 && (await canListen(p + 1))) return p;
  }
  throw new Error('no free adjacent port pair');
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const okNow = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (okNow) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Swtpm {
  port: number;
  tcti: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** swtpm socket --tpm2 on a free loopback port pair, state in a temporary directory, already started. */
export async function startSwtpm(): Promise<Swtpm> {
  const dir = mkdtempSync(join(tmpdir(), 'vtpm-swtpm-'));
  const port = await freePortPair();
  const child = spawn(
    'swtpm',
    [
      'socket', '--tpm2',
      '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`,
      '--ctrl', `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
      '--tpmstate', `dir=${dir}`,
      '--flags', 'not-need-init,startup-clear',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitForPort(port + 1, 10_000),
      exited.then(() => {
        throw new Error(`swtpm exited: ${stderr}`);
      }),
    ]);
    await waitForPort(port, 10_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, tcti: `swtpm:host=127.0.0.1,port=${port}`, process: child, stop };
}
