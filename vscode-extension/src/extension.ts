// The extension's entry point: the only module that loads vscode at run time. It wires the
// configuration provider, the adapter descriptor factory and the process picker to VS Code.

import * as vscode from 'vscode';
import { DapprocAdapterFactory } from './adapterFactory';
import { DEBUG_TYPE } from './config';
import { pickProcess } from './pickProcess';
import { DapprocConfigurationProvider } from './provider';

/** PICK_PROCESS_COMMAND is the command bound to ${command:pickProcess} for type "dapproc". */
export const PICK_PROCESS_COMMAND = 'dapproc.pickProcess';

/** activate registers everything the dapproc debugger type needs. VS Code calls it once. */
export function activate(context: vscode.ExtensionContext): void {
  const provider = new DapprocConfigurationProvider({
    showError: (message) => void vscode.window.showErrorMessage(message),
    promptForProgram: (suggestion) =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: 'dapproc: program to debug',
          prompt: 'Path of the executable to debug, built with debug info (for example gcc -g -O0)',
          value: suggestion,
          ignoreFocusOut: true,
        }),
      ),
    activeFile: () => vscode.window.activeTextEditor?.document.uri.fsPath,
  });
  const factory = new DapprocAdapterFactory(vscode, (folder) => {
    const cfg = vscode.workspace.getConfiguration('dapproc', folder);
    return {
      executable: cfg.get<string>('executable'),
      args: cfg.get<string[]>('args'),
      server: cfg.get<string>('server'),
    };
  });
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.commands.registerCommand(PICK_PROCESS_COMMAND, () =>
      pickProcess((items, options) => vscode.window.showQuickPick(items, options)),
    ),
  );
}

/** deactivate has nothing to release: the subscriptions are disposed by VS Code. */
export function deactivate(): void {}
