import fs from 'node:fs';
import path from 'node:path';

export interface SqlFinding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

/** SQL keywords that start a statement built by hand. */
const STATEMENT_START = /^\s*(select|insert|update|delete|create|drop|alter|truncate|with)\b/i;

/**
 * Finds SQL that is not parameterised: `sql.raw(...)` or `.unsafe(...)` with anything but a plain
 * string literal, and template literals that look like SQL statements and interpolate values
 * without drizzle's `sql` tag (which turns every `${}` into a bind parameter).
 */
export function scanSource(file: string, source: string): SqlFinding[] {
  const findings: SqlFinding[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const add = (index: number, rule: string, text: string) =>
    findings.push({ file, line: lineOf(index), rule, text: text.trim().slice(0, 120) });

  for (const m of source.matchAll(/\b(?:sql\.raw|\.unsafe)\s*\(/g)) {
    const rest = source.slice(m.index + m[0].length);
    const literal = /^\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`$]*`)\s*[,)]/.exec(rest);
    if (!literal) add(m.index, 'raw-sql-not-literal', source.slice(m.index, m.index + 100));
  }
  for (const m of source.matchAll(/`/g)) {
    // Only opening backticks: skip ones that close a literal (count parity would be fragile; instead
    // check whether the text after it up to the next backtick looks like an interpolated statement).
    const end = source.indexOf('`', m.index + 1);
    if (end < 0) break;
    const body = source.slice(m.index + 1, end);
    if (!STATEMENT_START.test(body) || !body.includes('${')) continue;
    // A value interpolated where SQL expects one: after a comparison, `like`, `in (`, `values (` or a quote.
    if (!/(=|<>|<|>|\blike|\bin\s*\(|\bvalues\s*\(|')\s*\$\{/i.test(body)) continue;
    const before = source.slice(Math.max(0, m.index - 12), m.index);
    if (/\bsql$/.test(before)) continue;
    add(m.index, 'interpolated-sql-string', body);
  }
  return findings;
}

/** Every `.ts` file under the given directories. */
export function listTsFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) out.push(full);
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out;
}
