// Unit tests of findDapproc against real files and directories.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DapprocNotFoundError, findDapproc } from '../src/executable';
import { tempDir, writeFile } from './tmp';

describe('findDapproc', function () {
  let dir: string;
  beforeEach(function () {
    dir = tempDir();
  });

  it('takes the first executable dapproc on the PATH, skipping missing dirs and non-executable files', function () {
    const notExec = writeFile(dir, 'a/dapproc', 0o644);
    const good = writeFile(dir, 'b/dapproc', 0o755);
    writeFile(dir, 'c/dapproc', 0o755);
    fs.mkdirSync(path.join(dir, 'd/dapproc'), { recursive: true });
    const envPath = [path.join(dir, 'missing'), path.join(dir, 'd'), path.dirname(notExec), path.dirname(good), path.join(dir, 'c')].join(':');
    assert.strictEqual(findDapproc({ envPath }), good);
  });

  it('says the PATH it searched and how to install when dapproc is nowhere', function () {
    const envPath = `${dir}/x:${dir}/y`;
    assert.throws(
      () => findDapproc({ envPath }),
      (err: Error) =>
        err instanceof DapprocNotFoundError &&
        err.message.includes('not found on the PATH') &&
        err.message.includes(envPath) &&
        err.message.includes('go install github.com/dapproc/dapproc/cmd/dapproc@latest') &&
        err.message.includes('"dapproc.executable"'),
    );
  });

  it('uses the setting before the PATH', function () {
    writeFile(dir, 'path/dapproc', 0o755);
    const chosen = writeFile(dir, 'opt/my-dapproc', 0o755);
    assert.strictEqual(findDapproc({ setting: chosen, envPath: path.join(dir, 'path') }), chosen);
  });

  it('resolves a relative setting against the workspace folder and ~ against home', function () {
    const rel = writeFile(dir, 'ws/bin/dapproc', 0o755);
    assert.strictEqual(findDapproc({ setting: './bin/dapproc', baseDir: path.join(dir, 'ws') }), rel);
    const inHome = writeFile(dir, 'home/go/bin/dapproc', 0o755);
    assert.strictEqual(findDapproc({ setting: '~/go/bin/dapproc', home: path.join(dir, 'home') }), inHome);
  });

  it('searches the PATH for a setting that is a bare command name', function () {
    const renamed = writeFile(dir, 'bin/dapproc-dev', 0o755);
    assert.strictEqual(findDapproc({ setting: 'dapproc-dev', envPath: path.join(dir, 'bin') }), renamed);
    assert.throws(
      () => findDapproc({ setting: 'dapproc-nope', envPath: path.join(dir, 'bin') }),
      /"dapproc-nope", which is not on the PATH/,
    );
  });

  it('names the setting, the path and the problem when the setting is wrong, without falling back to the PATH', function () {
    writeFile(dir, 'path/dapproc', 0o755);
    const envPath = path.join(dir, 'path');
    const missing = path.join(dir, 'nope/dapproc');
    assert.throws(
      () => findDapproc({ setting: missing, envPath }),
      (err: Error) =>
        err instanceof DapprocNotFoundError &&
        err.message.includes(`"dapproc.executable" points at ${missing}, which does not exist`),
    );
    const notExec = writeFile(dir, 'plain/dapproc', 0o644);
    assert.throws(() => findDapproc({ setting: notExec, envPath }), /which is not executable \(chmod \+x it\)/);
    assert.throws(() => findDapproc({ setting: dir, envPath }), /which is not a regular file/);
  });
});
