/** Runs the built CLI (dist/src/node/cli.js; `npm test` builds it first with tsc -b). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/node/cli.js', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/node/', import.meta.url));
/** tsc -b rewrites its build info on every build that changed something (unchanged outputs keep their mtime). */
const BUILD_INFO = fileURLToPath(new URL('../../dist/.node.tsbuildinfo', import.meta.url));

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b tsconfig.json\` first (npm test does)`);
  const built = Math.max(statSync(CLI).mtimeMs, existsSync(BUILD_INFO) ? statSync(BUILD_INFO).mtimeMs : 0);
  const stale = readdirSync(SRC).filter((f) => f.endsWith('.ts') && statSync(SRC + f).mtimeMs > built);
  if (stale.length) throw new Error(`dist/ is older than src/node/${stale[0]}: run \`npx tsc -b tsconfig.json\` first (npm test does)`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vtpm <args>` to completion. */
export function runCli(args: string[], timeoutMs = 20_000): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vtpm ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningCli {
  child: ChildProcess;
  port: number;
  platformPort: number;
  /** The listening line. */
  line: string;
  output(): { stdout: string; stderr: string };
  /** The exit code once the process ended. */
  exited: Promise<number | null>;
}

/** Starts `vtpm serve ...` and waits for its listening line. The caller must kill it. */
export function startCli(args: string[], timeoutMs = 20_000): Promise<RunningCli> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vtpm ${args.join(' ')} printed no listening line within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /^vtpm: .* listening .*?(?:command|data) port (\d+), (?:platform|control) port (\d+).*$/m.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, port: Number(m[1]), platformPort: Number(m[2]), line: m[0], output: () => ({ stdout, stderr }), exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`vtpm ${args.join(' ')} exited with ${code} before listening: ${stderr}`));
    });
  });
}
