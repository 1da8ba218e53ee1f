#!/usr/bin/env node
// The `vtpm` command: runs the built CLI (dist/ is built by `npm install` through `prepare`).
import { main } from '../dist/src/node/cli.js';

process.exit(await main(process.argv.slice(2)));
