// The DebugAdapterDescriptorFactory: how VS Code reaches dapproc for a session. By default it
// starts the dapproc executable and speaks DAP over its stdin/stdout; with the dapproc.server
// setting it connects to a running `dapproc --listen` server instead.
//
// This module imports vscode only for types: the descriptor classes come in through the
// constructor, so the unit tests hand it stand-ins and run without VS Code.

import type * as vscode from 'vscode';
import { findDapproc } from './executable';
import { parseServerAddress } from './serverAddress';

/** AdapterSettings are the dapproc.* settings the factory reads at the start of each session. */
export interface AdapterSettings {
  /** dapproc.executable: path or command name of dapproc; empty means search the PATH. */
  executable?: string;
  /** dapproc.args: extra command-line arguments for dapproc (stdio mode only). */
  args?: string[];
  /** dapproc.server: "host:port" or "unix:/path" of a running `dapproc --listen`. */
  server?: string;
}

/** AdapterChoice is what the factory decided, independent of VS Code's classes. */
export type AdapterChoice =
  | { kind: 'executable'; command: string; args: string[] }
  | { kind: 'server'; host: string; port: number }
  | { kind: 'pipe'; path: string };

/** Where chooseAdapter looks, besides the settings. */
export interface ChooseOptions {
  /** The PATH to search for dapproc. */
  envPath?: string;
  /** The workspace folder, for a relative dapproc.executable. */
  folder?: string;
  /** The launch configuration's "debugServer" port (VS Code's convention for adapter development). */
  debugServer?: number;
}

/**
 * chooseAdapter picks how to reach dapproc: the configuration's debugServer port first, then
 * the dapproc.server setting, then the dapproc executable. It throws DapprocNotFoundError or
 * ServerAddressError, whose messages say what to fix.
 */
export function chooseAdapter(settings: AdapterSettings, opts: ChooseOptions): AdapterChoice {
  if (opts.debugServer !== undefined) {
    return { kind: 'server', host: '127.0.0.1', port: opts.debugServer };
  }
  if (settings.server !== undefined && settings.server.trim() !== '') {
    const addr = parseServerAddress(settings.server);
    return addr.kind === 'unix' ? { kind: 'pipe', path: addr.path } : { kind: 'server', host: addr.host, port: addr.port };
  }
  const command = findDapproc({ setting: settings.executable, envPath: opts.envPath, baseDir: opts.folder });
  return { kind: 'executable', command, args: settings.args ?? [] };
}

/** DescriptorClasses are the vscode classes the factory instantiates, injected for testing. */
export interface DescriptorClasses {
  DebugAdapterExecutable: typeof vscode.DebugAdapterExecutable;
  DebugAdapterServer: typeof vscode.DebugAdapterServer;
  DebugAdapterNamedPipeServer: typeof vscode.DebugAdapterNamedPipeServer;
}

/** DapprocAdapterFactory implements vscode.DebugAdapterDescriptorFactory for type "dapproc". */
export class DapprocAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  /**
   * classes are vscode's descriptor classes; settings reads the dapproc.* settings for a folder;
   * env supplies PATH (process.env in the extension).
   */
  constructor(
    private readonly classes: DescriptorClasses,
    private readonly settings: (folder: vscode.WorkspaceFolder | undefined) => AdapterSettings,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** createDebugAdapterDescriptor is called by VS Code at the start of every dapproc session. */
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const debugServer = session.configuration.debugServer;
    const choice = chooseAdapter(this.settings(session.workspaceFolder), {
      envPath: this.env.PATH,
      folder: session.workspaceFolder?.uri.fsPath,
      debugServer: typeof debugServer === 'number' ? debugServer : undefined,
    });
    switch (choice.kind) {
      case 'server':
        return new this.classes.DebugAdapterServer(choice.port, choice.host);
      case 'pipe':
        return new this.classes.DebugAdapterNamedPipeServer(choice.path);
      case 'executable':
        return new this.classes.DebugAdapterExecutable(choice.command, choice.args);
    }
  }
}
