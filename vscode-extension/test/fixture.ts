// Test helpers: build C fixtures from test/fixtures with gcc, and find lines by `// BP:name` markers.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** FIXTURES is the directory holding the fixture sources. */
export const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

/** buildC compiles test/fixtures/<source> with gcc -g -O0 into a new temporary directory as <output>. */
export function buildC(source: string, output: string): { program: string; source: string; dir: string } {
  const src = path.join(FIXTURES, source);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapproc-vscode-fixture-'));
  const program = path.join(dir, output);
  try {
    execFileSync('gcc', ['-g', '-O0', '-o', program, src], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`gcc -g -O0 -o ${program} ${src} failed (is gcc installed?): ${e.stderr?.toString() ?? e.message}`);
  }
  return { program, source: src, dir };
}

/** markerLine returns the 1-based line of `// BP:name` in fixture source, failing if it is absent or repeated. */
export function markerLine(source: string, name: string): number {
  const lines = fs.readFileSync(source, 'utf8').split('\n');
  const re = new RegExp(`//\\s*BP:${name}\\b`);
  const hits = lines.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
  if (hits.length !== 1) {
    throw new Error(`marker // BP:${name} found ${hits.length} times in ${source}, want exactly once`);
  }
  return hits[0];
}
