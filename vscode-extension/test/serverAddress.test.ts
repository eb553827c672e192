// Unit tests of parseServerAddress: the dapproc.server setting.

import * as assert from 'assert';
import { parseServerAddress, ServerAddressError } from '../src/serverAddress';

describe('parseServerAddress', function () {
  const good: [string, ReturnType<typeof parseServerAddress>][] = [
    ['127.0.0.1:4711', { kind: 'tcp', host: '127.0.0.1', port: 4711 }],
    ['localhost:1', { kind: 'tcp', host: 'localhost', port: 1 }],
    [' build-box.lan:65535 ', { kind: 'tcp', host: 'build-box.lan', port: 65535 }],
    [':4711', { kind: 'tcp', host: '127.0.0.1', port: 4711 }],
    ['[::1]:4711', { kind: 'tcp', host: '::1', port: 4711 }],
    ['unix:/run/user/1000/dapproc.sock', { kind: 'unix', path: '/run/user/1000/dapproc.sock' }],
  ];
  for (const [input, want] of good) {
    it(`parses ${JSON.stringify(input)}`, function () {
      assert.deepStrictEqual(parseServerAddress(input), want);
    });
  }

  const bad: [string, RegExp][] = [
    ['4711', /the port is missing/],
    ['127.0.0.1:', /the port "" is not a number/],
    ['127.0.0.1:http', /the port "http" is not a number/],
    ['127.0.0.1:0', /the port 0 is outside 1-65535/],
    ['127.0.0.1:70000', /the port 70000 is outside 1-65535/],
    ['::1:4711', /an IPv6 address must be in brackets/],
    ['[::1]4711', /\[address\]:port/],
    ['unix:relative.sock', /must be absolute/],
  ];
  for (const [input, why] of bad) {
    it(`rejects ${JSON.stringify(input)} saying why and what a good value looks like`, function () {
      assert.throws(
        () => parseServerAddress(input),
        (err: Error) =>
          err instanceof ServerAddressError &&
          why.test(err.message) &&
          err.message.includes(`"dapproc.server" is "${input}"`) &&
          err.message.includes('"127.0.0.1:4711"'),
      );
    });
  }
});
