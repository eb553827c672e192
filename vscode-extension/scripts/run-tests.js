// npm test: builds the dapproc binary from this repository (unless DAPPROC names one already),
// then runs mocha with DAPPROC set, so the protocol test drives the real adapter.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env };
if (!env.DAPPROC) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapproc-vscode-test-'));
  env.DAPPROC = path.join(dir, 'dapproc');
  // From the repository root: this directory's go.mod makes it a module of its own.
  const repo = path.resolve(root, '..');
  console.log(`building dapproc: go build -o ${env.DAPPROC} ./cmd/dapproc (in ${repo})`);
  try {
    execFileSync('go', ['build', '-o', env.DAPPROC, './cmd/dapproc'], { cwd: repo, stdio: 'inherit' });
  } catch (err) {
    console.error(`could not build dapproc (is Go on the PATH?): ${err.message}`);
    process.exit(1);
  }
}
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const result = spawnSync(process.execPath, [mocha, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
