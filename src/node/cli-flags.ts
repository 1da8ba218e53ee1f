/** Command-line flags as the vtpm CLI takes them: `--flag value` or `--flag=value`, each once. */

export interface FlagToken {
  flag: string;
  /** The flag's value (inline after '=', or the next argument); a missing value throws. */
  value(): string;
  /** Throws when the flag was given an inline value. */
  noValue(): void;
}

/**
 * Walks the arguments: yields 'help' for -h/--help and a token per flag. A word that is not a
 * flag, or a flag given twice, throws the error `fail` makes, naming it.
 */
export function* cliFlags(argv: readonly string[], fail: (message: string) => Error): Generator<FlagToken | 'help'> {
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      yield 'help';
      continue;
    }
    if (!arg.startsWith('--')) throw fail(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (seen.has(flag)) throw fail(`${flag} is given more than once`);
    seen.add(flag);
    yield {
      flag,
      value() {
        if (inline !== undefined) return inline;
        const v = argv[i + 1];
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw fail(`${flag} needs a value`);
        i++;
        return v;
      },
      noValue() {
        if (inline !== undefined) throw fail(`${flag} takes no value`);
      },
    };
  }
}
