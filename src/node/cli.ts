/**
 * The `vtpm` command line: `vtpm serve` runs one TPM behind the mssim or swtpm TCP protocol.
 * Usage errors name the flag and exit with code 2.
 */
import { cliFlags } from './cli-flags.js';
import { fileReplayGuard } from './replay-guard.js';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCa, loadCa, type Ca } from '../attest/x509.js';
import { createClient } from '../client/client.js';
import { EK_BY_ALG, ekTemplateId, isManufactured, manufacture, type EkChoice } from '../client/manufacture.js';
import { EK_TEMPLATES } from '../client/templates.js';
import { inProcess } from '../client/transport.js';
import { createTpm, type Storage, type Tpm } from '../tpm/engine.js';
import { profiles } from '../tpm/profile.js';
import { nodeCryptoBackend } from './crypto-backend.js';
import { fileStorage } from './file-storage.js';
import { serve, type Protocol, type Server } from './server.js';
import { runVerify } from './verify-cli.js';

export const USAGE = `Usage: vtpm <command> [options]

A TPM 2.0 / TCM 2.0 emulator in pure TypeScript.

Commands:
  serve        Run a TPM behind a simulator TCP protocol (vtpm serve --help)
  verify       Verify a quote and its logs against an instance's baseline (vtpm verify --help)

Options:
  -h, --help   Show this help
`;

export const SERVE_USAGE = `Usage: vtpm serve [--protocol mssim|swtpm] [--host 127.0.0.1] [--port 2321]
                  [--state DIR [--fresh] | --memory] [--profile tpm2|tcm2|pc-client]
                  [--seed HEX] [--startup]
                  [--manufacture [--ek LIST] [--ca-cert FILE --ca-key FILE]]
                  [--migration-key FILE]

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
  --manufacture           Before listening, if the TPM has no EK yet: create the EKs,
                          make them persistent (RSA 2048 0x81010001, ECC P-256 0x81010002,
                          SM2 P-256 0x8101001A) and store EK certificates signed by a CA
                          in the EK certificate NV indices (0x01C00002, 0x01C0000A,
                          0x01C0001A), as swtpm_setup does
  --ek LIST               With --manufacture: the EKs, comma-separated, of
                          ${Object.keys(EK_BY_ALG).join(', ')}
                          (default rsa2048,ecc-p256; sm2-p256 on tcm2)
  --ca-cert FILE          With --manufacture: sign with this CA certificate (PEM) ...
  --ca-key FILE           ... and its private key (PEM: PKCS#8, EC or RSA). Without them
                          vtpm uses DIR/ca-cert.pem and DIR/ca-key.pem of --state DIR,
                          creating them the first time (with --memory the CA is not kept)
  --migration-key FILE    With --protocol swtpm: a 32-octet host key (32 raw octets, or 64
                          hex digits) as swtpm's --migration-key. CMD_GET_STATEBLOB then
                          returns the state encrypted and MACed under it, CMD_SET_STATEBLOB
                          accepts only state sealed under it and not older than what this
                          server has exported or accepted (swtpm_ioctl --save/--load); with
                          --state DIR that record is DIR/migration-generations.json
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
  manufacture?: boolean;
  /** --ek: EK template ids. */
  ek?: EkChoice[];
  caCert?: string;
  caKey?: string;
  /** --migration-key: the key file. */
  migrationKey?: string;
}

/** Parses `vtpm serve` flags (`--flag value` or `--flag=value`). Throws UsageError naming the flag. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const out: ServeArgs = { protocol: 'mssim', host: '127.0.0.1', port: 2321, memory: false, profile: 'tpm2', startup: false, help: false };
  for (const token of cliFlags(argv, (m) => new UsageError(m))) {
    if (token === 'help') {
      out.help = true;
      continue;
    }
    const { flag, value, noValue } = token;
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
      case '--manufacture':
        noValue();
        out.manufacture = true;
        break;
      case '--ek': {
        const v = value();
        const names = v.split(',').map((x) => x.trim());
        const known = [...Object.keys(EK_BY_ALG), ...Object.keys(EK_TEMPLATES)];
        const bad = names.find((x) => !known.includes(x));
        if (bad !== undefined) throw new UsageError(`--ek: unknown key '${bad}' (one of ${Object.keys(EK_BY_ALG).join(', ')}, or a template id ${Object.keys(EK_TEMPLATES).join(', ')})`);
        out.ek = names.map((x) => ekTemplateId(x as EkChoice));
        break;
      }
      case '--migration-key': {
        const v = value();
        if (!v) throw new UsageError('--migration-key needs a file');
        out.migrationKey = v;
        break;
      }
      case '--ca-cert':
      case '--ca-key': {
        const v = value();
        if (!v) throw new UsageError(`${flag} needs a file`);
        if (flag === '--ca-cert') out.caCert = v;
        else out.caKey = v;
        break;
      }
      default:
        throw new UsageError(`unknown flag '${flag}'`);
    }
  }
  if (out.state !== undefined && out.memory) throw new UsageError('--state and --memory cannot be used together');
  if (out.fresh && out.state === undefined) throw new UsageError('--fresh needs --state DIR');
  for (const [flag, given] of [['--ek', out.ek], ['--ca-cert', out.caCert], ['--ca-key', out.caKey]] as const) {
    if (given !== undefined && !out.manufacture) throw new UsageError(`${flag} needs --manufacture`);
  }
  if ((out.caCert === undefined) !== (out.caKey === undefined)) throw new UsageError('--ca-cert and --ca-key go together');
  if (out.migrationKey !== undefined && out.protocol !== 'swtpm') throw new UsageError('--migration-key needs --protocol swtpm (its control channel carries the state)');
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
  if (command === 'verify') return runVerify(rest, io);
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
    const migrationKey = args.migrationKey !== undefined ? readMigrationKey(args.migrationKey) : undefined;
    const tpmOptions = { profile: args.profile, seed: args.seed, storage, cryptoBackend: nodeCryptoBackend() };
    const tpm = createTpm(tpmOptions);
    if (files?.setAside) io.err(`vtpm serve: the state file was damaged; kept it as ${files.setAside} and started a new TPM (--fresh)`);
    if (args.startup) await createClient(inProcess(tpm)).startup();
    if (args.manufacture) await manufactureAtBoot(tpm, args, io);
    server = await serve({
      protocol: args.protocol,
      host: args.host,
      port: args.port,
      tpm,
      tpmOptions,
      logger: { warn: (m) => io.err(m) },
      migrationKey,
      // With --state, the generations seen survive a restart: a replayed blob stays refused.
      replayGuard: migrationKey && args.state !== undefined ? fileReplayGuard(join(args.state, 'migration-generations.json')) : undefined,
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
  io.out(`vtpm: ${args.profile} TPM listening (${args.protocol}) on ${host}: ${ports}; ${where}${args.startup ? '; started' : ''}${args.migrationKey !== undefined ? '; migration key set' : ''}`);

  await server.closed;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}

/** --migration-key FILE: 32 raw octets, or 64 hex digits (surrounding white space ignored). */
export function readMigrationKey(path: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`--migration-key: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (bytes.length === 32) return new Uint8Array(bytes);
  const text = bytes.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  throw new Error(`--migration-key: ${path} must hold 32 raw octets or 64 hex digits (it has ${bytes.length} octets)`);
}

/** The CA for --manufacture: --ca-cert/--ca-key, else DIR/ca-cert.pem and DIR/ca-key.pem (made once). */
function bootCa(tpm: Tpm, args: ServeArgs, io: CliIo): { ca: Ca; where: string } {
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`${flag}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (args.caCert !== undefined && args.caKey !== undefined) {
    const cert = read('--ca-cert', args.caCert);
    const key = read('--ca-key', args.caKey);
    try {
      return { ca: loadCa(cert, key), where: args.caCert };
    } catch (e) {
      throw new Error(`--ca-cert/--ca-key: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const keyAlg = tpm.profile.family === 'TCM' ? 'sm2-p256' : 'ecc-p256';
  // A seeded TPM gets a CA key derived from the same seed.
  const seed = args.seed ? Uint8Array.from([...args.seed, ...new TextEncoder().encode(' vtpm EK CA')]) : undefined;
  if (args.state === undefined) {
    const ca = createCa({ keyAlg, seed });
    io.out(`vtpm: --memory: the EK CA is not kept (use --ca-cert/--ca-key for your own); its certificate:\n${ca.pem().trimEnd()}`);
    return { ca, where: 'memory' };
  }
  const certPath = join(args.state, 'ca-cert.pem');
  const keyPath = join(args.state, 'ca-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) return { ca: loadCa(read('--state', certPath), read('--state', keyPath)), where: certPath };
  const ca = createCa({ keyAlg, seed });
  writeFileSync(keyPath, ca.keyPem(), { mode: 0o600 });
  writeFileSync(certPath, ca.pem());
  return { ca, where: certPath };
}

/**
 * --manufacture: manufacture() in-process before listening, unless an EK is already there. A TPM
 * not started with --startup is shut down and power-cycled afterwards, so clients still send
 * TPM2_Startup themselves.
 */
async function manufactureAtBoot(tpm: Tpm, args: ServeArgs, io: CliIo): Promise<void> {
  const client = createClient(inProcess(tpm));
  if (!args.startup) await client.startup();
  try {
    if (await isManufactured(client)) {
      io.out('vtpm: the TPM already has an EK; --manufacture skipped');
      return;
    }
    const { ca, where } = bootCa(tpm, args, io);
    const t0 = performance.now();
    const r = await manufacture(client, { ca, eks: args.ek });
    const ms = Math.round(performance.now() - t0);
    const hex = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(8, '0');
    io.out(`vtpm: manufactured in ${ms} ms: ${r.eks.map((e) => `EK ${e.id} ${hex(e.handle)} (certificate NV ${hex(e.certIndex)})`).join(', ')}; CA ${where}`);
  } finally {
    if (!args.startup) {
      await client.shutdown();
      tpm.powerOff();
      tpm.powerOn();
    }
  }
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
