// `npm run bench`: every benchmark, printed as the Markdown tables the README carries.
// BENCH_QUICK=1 for short rounds.
import * as codec from './codec.bench.js';
import * as commands from './commands.bench.js';
import * as nv from './nv.bench.js';
import * as objects from './objects.bench.js';
import * as sessions from './sessions.bench.js';
import * as asym from './crypto-asym.bench.js';
import * as attest from './attest.bench.js';
import * as fleet from './fleet.bench.js';
import * as sym from './crypto-sym.bench.js';
import { quick } from './harness.js';

const opts = quick();
console.log(`Node ${process.version}, ${process.platform}/${process.arch}, rounds ${opts.rounds} x >= ${opts.minMs} ms, median\n`);
console.log('### Commands: in-process, vtpm serve over TCP, swtpm (Debian) over TCP\n');
console.log(commands.toMarkdown(await commands.run(opts)));
console.log('\n### NV: memory and file storage, vtpm serve with --state, swtpm with its state directory\n');
console.log(nv.toMarkdown(await nv.run(opts)));
console.log('\n### Keys and objects: in-process vs swtpm over TCP\n');
console.log(objects.toMarkdown(await objects.run(opts)));
console.log('\n### Sessions: password vs salted AES-CFB HMAC session, through the client\n');
console.log(sessions.toMarkdown(await sessions.run(opts)));
console.log('\n### Attestation: Quote in-process vs swtpm over TCP; manufacturing vs swtpm_setup\n');
console.log(attest.toMarkdown(await attest.run(opts)));
console.log();
console.log(attest.manufactureMarkdown(await attest.runManufacture(opts)));
console.log('\n### Trusted instances: provision, boot, quote, verify per instance; a fleet in one process vs a swtpm process per instance\n');
console.log(fleet.toMarkdown(await fleet.run(opts)));
console.log('\n### Codec (strict)\n');
console.log(codec.toMarkdown(codec.run(opts)));
console.log('\n### Hashes, HMAC, KDF, block ciphers (vs node:crypto)\n');
console.log(sym.formatTable(sym.run(opts)));
console.log('\n### ECC, SM2, RSA (vs node:crypto and sm-crypto)\n');
console.log(asym.toMarkdown(asym.run(opts)));
