/**
 * The `vtpm` command line: `vtpm serve` runs one TPM behind the mssim or swtpm TCP protocol.
 * Usage errors name the flag and exit with code 2.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '../client/client.js';
import { inProcess } from '../client/transport.js';
import { createTpm, type Storage } from '../tpm/engine.js';
import { profiles } from '../tpm/profile.js';
import { nodeCryptoBackend } from './crypto-backend.js';
import { fileStorage } from './file-storage.js';
import { serve, type Protocol, type Server } from './server.js';

export const USAGE = `Usage: vtpm <command> [options]

A TPM 2.0 / TCM 2.0 emulator in pure TypeScript.

Commands:
  serve        Run a TPM behind a simulator TCP protocol (vtpm serve --help)

Options:
  -h, --help   Show this help
`;

export const SERVE_USAGE = `Usage: vtpm serve [--protocol mssim|swtpm] [--host 127.0.0.1] [--port 2321]
                  [--state DIR [--fresh] | --memory] [--profile tpm2|tcm2|pc-client]
                  [--seed HEX] [--startup]

Runs one emulated TPM on two TCP ports until interrupted (SIGINT/SIGTERM).

Options:
  --protocol mssim|swtpm  Wire protocol (default mssim).
                          mssim: command port P, platform port P+1 (tpm2-tss "mssim"
                          TCTI, IBM TSS, go-tpm). swtpm: data port P, control channel
                          P+1 (tpm2-tss "swtpm" TCTI, QEMU).
  --host ADDR             Address to listen on (default 127.0.0.1)
  --port P                Command / data port (default 2321; 0 picks a free pair)
  --state DIR             Keep the persistent state in DIR (created if missing)
  --fresh                 With --state: if the state file is damaged, keep it aside and
                          start a new TPM (without it, a damaged file stops the server)
  --memory                Keep all state in memory (the default)
  --profile NAME          ${Object.keys(profiles).join(', ')} (default tpm2)
  --seed HEX              Make the TPM deterministic: seed its DRBG with these bytes
  --startup               Send TPM2_Startup(CLEAR) before accepting clients
  -h, --help              Show this help

Example with tpm2-tools:
  vtpm serve --protocol swtpm --startup &
  tpm2_getrandom -T swtpm:host=127.0.0.1,port=2321 --hex 16
`;

export class UsageError extends Error {}

export interface ServeArgs {
  protocol: Protocol;
  host: string;
  port: number;
  state?: string;
  fresh?: boolean;
  memory: boolean;
  profile: string;
  seed?: Uint8Array;
  startup: boolean;
  help: boolean;
}

/** Parses `vtpm serve` flags (`--flag value` or `--flag=value`). Throws UsageError naming the flag. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const out: ServeArgs = { protocol: 'mssim', host: '127.0.0.1', port: 2321, memory: false, profile: 'tpm2', startup: false, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (seen.has(flag)) throw new UsageError(`${flag} is given more than once`);
    seen.add(flag);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${flag} needs a value`);
      i++;
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    };
    switch (flag) {
      case '--protocol': {
        const v = value();
        if (v !== 'mssim' && v !== 'swtpm') throw new UsageError(`--protocol must be mssim or swtpm, not '${v}'`);
        out.protocol = v;
        break;
      }
      case '--host': {
        const v = value();
        if (!v) throw new UsageError('--host must not be empty');
        out.host = v;
        break;
      }
      case '--port': {
        const v = value();
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n > 65534) throw new UsageError(`--port must be an integer 0-65534 (P+1 is the second port), not '${v}'`);
        out.port = n;
        break;
      }
      case '--state': {
        const v = value();
        if (!v) throw new UsageError('--state needs a directory');
        out.state = v;
        break;
      }
      case '--memory':
        noValue();
        out.memory = true;
        break;
      case '--fresh':
        noValue();
        out.fresh = true;
        break;
      case '--profile': {
        const v = value();
        if (!Object.hasOwn(profiles, v)) throw new UsageError(`unknown --profile '${v}' (one of ${Object.keys(profiles).join(', ')})`);
        out.profile = v;
        break;
      }
      case '--seed': {
        const v = value();
        const hex = v.replace(/^0x/i, '');
        if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new UsageError(`--seed must be hex digits (an even number of 0-9, a-f), not '${v}'`);
        out.seed = Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));
        break;
      }
      case '--startup':
        noValue();
        out.startup = true;
        break;
      default:
        throw new UsageError(`unknown flag '${flag}'`);
    }
  }
  if (out.state !== undefined && out.memory) throw new UsageError('--state and --memory cannot be used together');
  if (out.fresh && out.state === undefined) throw new UsageError('--fresh needs --state DIR');
  return out;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const defaultIo: CliIo = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
};

/** Runs the CLI; resolves with the exit code (for `serve`, once the server has closed). */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command !== 'serve') {
    io.err(`vtpm: unknown command '${command}' (see vtpm --help)`);
    return 2;
  }
  let args: ServeArgs;
  try {
    args = parseServeArgs(rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`vtpm serve: ${e.message} (see vtpm serve --help)`);
    return 2;
  }
  if (args.help) {
    io.out(SERVE_USAGE);
    return 0;
  }
  return runServe(args, io);
}

async function runServe(args: ServeArgs, io: CliIo): Promise<number> {
  let storage: Storage | undefined;
  let server: Server | undefined;
  // Handlers first: a signal that comes as soon as the listening line is out still closes cleanly.
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    void server?.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const files = args.state !== undefined ? fileStorage(args.state, { fresh: args.fresh }) : undefined;
    storage = files;
    const tpmOptions = { profile: args.profile, seed: args.seed, storage, cryptoBackend: nodeCryptoBackend() };
    const tpm = createTpm(tpmOptions);
    if (files?.setAside) io.err(`vtpm serve: the state file was damaged; kept it as ${files.setAside} and started a new TPM (--fresh)`);
    if (args.startup) await createClient(inProcess(tpm)).startup();
    server = await serve({
      protocol: args.protocol,
      host: args.host,
      port: args.port,
      tpm,
      tpmOptions,
      logger: { warn: (m) => io.err(m) },
    });
  } catch (e) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.err(`vtpm serve: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (interrupted) {
    await server.close();
    return 0;
  }
  const { host, port, platformPort } = server.address;
  const ports = args.protocol === 'mssim' ? `command port ${port}, platform port ${platformPort}` : `data port ${port}, control port ${platformPort}`;
  const where = args.state !== undefined ? `state in ${args.state}` : 'state in memory';
  io.out(`vtpm: ${args.profile} TPM listening (${args.protocol}) on ${host}: ${ports}; ${where}${args.startup ? '; started' : ''}`);

  await server.closed;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`vtpm: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
