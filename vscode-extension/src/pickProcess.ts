// The dapproc.pickProcess command: ${command:pickProcess} in an attach configuration runs it,
// and its result (a pid as a string) replaces the variable. It imports vscode only for types.

import type * as vscode from 'vscode';
import { listProcesses, ProcessItem, processItems } from './processes';

/** ShowQuickPick is the signature of vscode.window.showQuickPick used by the picker. */
export type ShowQuickPick = (
  items: ProcessItem[],
  options: vscode.QuickPickOptions,
) => Thenable<ProcessItem | undefined>;

/**
 * pickProcess lists the processes under procRoot in a QuickPick and returns the chosen pid as a
 * string, or undefined when the user dismissed the list (VS Code then cancels the launch).
 */
export async function pickProcess(
  showQuickPick: ShowQuickPick,
  procRoot = '/proc',
  ownUid: number = process.getuid?.() ?? -1,
  excludePid: number = process.pid,
): Promise<string | undefined> {
  const items = processItems(listProcesses(procRoot), ownUid, excludePid);
  const picked = await showQuickPick(items, {
    title: 'dapproc: attach to a process',
    placeHolder: 'Type to filter by name, pid or command line',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked === undefined ? undefined : String(picked.pid);
}
