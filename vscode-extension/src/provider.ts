// The DebugConfigurationProvider for type "dapproc": VS Code glue around config.ts. It imports
// vscode only for types; the UI calls it needs come in through the constructor.

import type * as vscode from 'vscode';
import {
  checkResolved,
  ConfigurationError,
  DebugConfiguration,
  fillDefaults,
  initialConfiguration,
} from './config';

/** ProviderUI is the part of vscode.window the provider uses. */
export interface ProviderUI {
  /** Shows an error to the user (vscode.window.showErrorMessage). */
  showError(message: string): void;
  /** Asks for the program path, proposing suggestion; undefined when cancelled. */
  promptForProgram(suggestion: string): Promise<string | undefined>;
  /** The file shown in the active editor, if any. */
  activeFile(): string | undefined;
}

/**
 * DapprocConfigurationProvider fills defaults in and checks dapproc configurations. A mistake
 * is shown as an error message and the launch is abandoned (resolve returns undefined), so the
 * user reads what to fix instead of a failed session.
 */
export class DapprocConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** ui shows errors and prompts. */
  constructor(private readonly ui: ProviderUI) {}

  /** provideDebugConfigurations proposes the configurations of a new launch.json. */
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [initialConfiguration()];
  }

  /** resolveDebugConfiguration fills defaults in, before ${...} variables are substituted. */
  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    return this.reportErrors(() =>
      fillDefaults(config as Partial<DebugConfiguration>, {
        folder: folder?.uri.fsPath,
        activeFile: this.ui.activeFile(),
        promptForProgram: (s) => this.ui.promptForProgram(s),
      }),
    );
  }

  /** resolveDebugConfigurationWithSubstitutedVariables checks paths and the pid once variables are substituted. */
  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    return this.reportErrors(async () => checkResolved(config as DebugConfiguration, folder?.uri.fsPath));
  }

  private async reportErrors(
    resolve: () => Promise<DebugConfiguration | undefined>,
  ): Promise<DebugConfiguration | undefined> {
    try {
      return await resolve();
    } catch (err) {
      if (err instanceof ConfigurationError) {
        this.ui.showError(err.message);
        return undefined;
      }
      throw err;
    }
  }
}
