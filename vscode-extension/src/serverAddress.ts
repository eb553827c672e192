// Parsing the dapproc.server setting: where a running `dapproc --listen` server waits.
// Plain Node code (no vscode import) so it is unit-tested without VS Code.

import * as path from 'path';

/** ServerAddress is a parsed dapproc.server setting: a TCP host and port, or a Unix socket path. */
export type ServerAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

/** ServerAddressError says what is wrong with a dapproc.server value and what a good one looks like. */
export class ServerAddressError extends Error {
  constructor(value: string, why: string) {
    super(
      `dapproc: the setting "dapproc.server" is "${value}": ${why}. ` +
        'Use "host:port" (for example "127.0.0.1:4711", "[::1]:4711") or "unix:/path/to/socket", ' +
        'the same address given to `dapproc --listen`; or clear it to start dapproc over stdio.',
    );
    this.name = 'ServerAddressError';
  }
}

/**
 * parseServerAddress parses "host:port", "[v6]:port", ":port" (loopback) or "unix:/abs/path".
 * It throws ServerAddressError for anything else.
 */
export function parseServerAddress(value: string): ServerAddress {
  const v = value.trim();
  if (v.startsWith('unix:')) {
    const p = v.slice('unix:'.length);
    if (!path.isAbsolute(p)) {
      throw new ServerAddressError(value, 'a Unix socket path must be absolute');
    }
    return { kind: 'unix', path: p };
  }
  let host: string;
  let portText: string;
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    if (close < 0 || v[close + 1] !== ':') {
      throw new ServerAddressError(value, 'an IPv6 address needs the form [address]:port');
    }
    host = v.slice(1, close);
    portText = v.slice(close + 2);
  } else {
    const colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new ServerAddressError(value, 'the port is missing');
    }
    host = v.slice(0, colon);
    portText = v.slice(colon + 1);
    if (host.includes(':')) {
      throw new ServerAddressError(value, 'an IPv6 address must be in brackets');
    }
  }
  if (!/^[0-9]+$/.test(portText)) {
    throw new ServerAddressError(value, `the port "${portText}" is not a number`);
  }
  const port = Number(portText);
  if (port < 1 || port > 65535) {
    throw new ServerAddressError(value, `the port ${port} is outside 1-65535`);
  }
  return { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port };
}
