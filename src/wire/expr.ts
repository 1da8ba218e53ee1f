/**
 * Evaluates the bounds the spec writes in its tables: numbers, limit names, `sizeof(TYPE)`
 * and + - * / << with parentheses. Names are looked up in `limits`.
 */
export function evaluateBound(expr: number | string, limits: { readonly [name: string]: number }): number {
  if (typeof expr === 'number') return expr;
  const tokens = expr.match(/sizeof\s*\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)|0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|<<|[-+*/()]/g);
  if (!tokens) throw new Error(`empty bound expression '${expr}'`);
  let i = 0;
  const atom = (): number => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`truncated bound expression '${expr}'`);
    if (t === '(') {
      const v = shift();
      if (tokens[i++] !== ')') throw new Error(`unbalanced parentheses in '${expr}'`);
      return v;
    }
    if (t === '-') return -atom();
    if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return Number(t);
    const name = t.startsWith('sizeof') ? `sizeof(${t.replace(/^sizeof\s*\(\s*|\s*\)$/g, '')})` : t;
    const v = limits[name];
    if (v === undefined) throw new Error(`unknown limit '${name}' in '${expr}'`);
    return v;
  };
  const product = (): number => {
    let v = atom();
    while (tokens[i] === '*' || tokens[i] === '/') {
      const op = tokens[i++];
      const r = atom();
      v = op === '*' ? v * r : Math.floor(v / r);
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-') {
      const op = tokens[i++];
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const shift = (): number => {
    let v = sum();
    while (tokens[i] === '<<') {
      i++;
      v = v * 2 ** sum();
    }
    return v;
  };
  const v = shift();
  if (i !== tokens.length) throw new Error(`unexpected '${tokens[i]}' in '${expr}'`);
  return v;
}
