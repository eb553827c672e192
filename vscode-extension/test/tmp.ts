// Test helper: real files in a temporary directory.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** tempDir makes a new empty temporary directory. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dapproc-vscode-unit-'));
}

/** writeFile creates dir/name (and missing parent directories) with the given mode. */
export function writeFile(dir: string, name: string, mode: number, content = '#!/bin/sh\n'): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content, { mode });
  fs.chmodSync(p, mode);
  return p;
}
