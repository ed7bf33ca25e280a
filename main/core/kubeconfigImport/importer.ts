/**
 * Importing kubeconfigs: `preview` validates files and says what each context would be imported as; `import` validates
 * again (the renderer's preview is never trusted) and stores the chosen contexts. A file with any problem is not
 * imported at all, and nothing stored changes for it.
 *
 * Local files: a chosen context that reads files on this machine or runs a program (its `localFiles`) is imported only
 * when the person ticked the preview's box for them (`allowedLocalFiles` names each path). Without the tick the context
 * is not imported at all, rather than imported without its files: a context without its CA, key or token could not
 * sign in, and keeping the paths to read them at connect would read them behind the person's back all the same. The
 * file then fails with a problem naming the context and the paths, and nothing of it is stored.
 *
 * Names: a context keeps its name unless an imported one (or one earlier in the same import) already has it; then it
 * becomes `name (file-stem)`, then `name (file-stem 2)`, … Never merged: two contexts called "prod" from two files are
 * two imports.
 */
import path from 'node:path';
import type {
  KubeconfigFileInput,
  KubeconfigFilePreview,
  KubeconfigImportResult,
  KubeconfigPreviewResult,
  KubeconfigProblem,
} from '../../../common/importedKubeconfigs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ImportedKubeconfigRepository, NewKubeconfig } from '../store';
import {
  DEFAULT_REFERENCE_DIR,
  embedLocalFiles,
  exportContext,
  fileStem,
  prepareKubeconfigFile,
  type PreparedContext,
  type PreparedFile,
} from './validate';

export interface KubeconfigImporterOptions {
  repository: ImportedKubeconfigRepository;
  /** Relative file references resolve against ~/.kube (where kubeconfigs live) on the machine running main. */
  homeDir: string;
}

export interface KubeconfigImporter {
  preview(files: KubeconfigFileInput[], replaces?: string): Promise<KubeconfigPreviewResult>;
  import(
    files: KubeconfigFileInput[],
    selected: string[][],
    replaces?: string,
    allowedLocalFiles?: string[][],
  ): Promise<KubeconfigImportResult>;
}

export function createKubeconfigImporter(options: KubeconfigImporterOptions): KubeconfigImporter {
  const referenceDir = path.join(options.homeDir, DEFAULT_REFERENCE_DIR);

  async function prepareAll(files: KubeconfigFileInput[], replaces: string | undefined) {
    const prepared = await Promise.all(files.map((file) => prepareKubeconfigFile(file, { referenceDir })));
    return { prepared, names: assignNames(prepared, takenNames(options.repository, replaces)) };
  }

  return {
    async preview(files, replaces) {
      const { prepared, names } = await prepareAll(files, replaces);
      return { files: prepared.map((file, index) => toPreview(file, names[index]!)) };
    },

    async import(files, selected, replaces, allowedLocalFiles = []) {
      const { prepared, names } = await prepareAll(files, replaces);
      const entries: NewKubeconfig[] = [];
      const failed: KubeconfigFilePreview[] = [];
      for (const [index, file] of prepared.entries()) {
        if (!file.ok) {
          failed.push(toPreview(file, []));
          continue;
        }
        const wanted = new Set(selected[index] ?? []);
        const chosen = file.contexts.flatMap((context, contextIndex) =>
          wanted.has(context.name) ? [{ context, name: names[index]![contextIndex]! }] : [],
        );
        const allowed = new Set(allowedLocalFiles[index] ?? []);
        const notAllowed = chosen.flatMap(({ context }) => {
          const paths = context.localFiles.filter((local) => !allowed.has(local.path)).map((local) => local.path);
          return paths.length === 0 ? [] : [notAllowedProblem(context.name, paths)];
        });
        if (notAllowed.length > 0) {
          failed.push(failedFile(file.fileName, notAllowed));
          continue;
        }
        const fileEntries: NewKubeconfig[] = [];
        const problems: KubeconfigProblem[] = [];
        for (const { context, name } of chosen) {
          const embedded = await embedLocalFiles(file, context);
          if ('problems' in embedded) problems.push(...embedded.problems);
          else fileEntries.push(toEntry(context, embedded.flattened, name, file.fileName));
        }
        // All or nothing per file, as for a file with errors: a file read between preview and import can still fail.
        if (problems.length > 0) failed.push(failedFile(file.fileName, problems));
        else entries.push(...fileEntries);
      }
      // A re-import whose file is broken must not remove what is stored for it.
      if (replaces !== undefined && failed.length > 0) return { imported: [], failed, removed: 0 };
      if (entries.length === 0 && replaces === undefined) return { imported: [], failed, removed: 0 };
      const { imported, removed } = await options.repository.importAll(entries, replaces);
      return { imported, failed, removed };
    },
  };
}

/** Names already imported; a re-import frees the names of the file it replaces. */
function takenNames(repository: ImportedKubeconfigRepository, replaces: string | undefined): Set<string> {
  return new Set(
    repository
      .list()
      .filter((view) => replaces === undefined || view.fileName !== replaces)
      .map((view) => view.name),
  );
}

/** Per file, per context: the name it is imported under (see the file comment). */
function assignNames(files: PreparedFile[], taken: Set<string>): string[][] {
  return files.map((file) => {
    if (!file.ok) return [];
    const stem = fileStem(file.fileName);
    return file.contexts.map((context) => {
      let name = context.name;
      for (let attempt = 1; taken.has(name); attempt += 1) {
        name = attempt === 1 ? `${context.name} (${stem})` : `${context.name} (${stem} ${attempt})`;
      }
      taken.add(name);
      return name;
    });
  });
}

function notAllowedProblem(contextName: string, paths: string[]): KubeconfigProblem {
  return {
    place: `context "${contextName}"`,
    message: `reads or runs ${paths.join(', ')} on this computer, which the import was not allowed to: tick "Read these files…" under this file in the preview, or leave this context out`,
  };
}

function failedFile(fileName: string, errors: KubeconfigProblem[]): KubeconfigFilePreview {
  return { fileName, contexts: [], errors, relativeFolder: null };
}

function toPreview(file: PreparedFile, names: string[]): KubeconfigFilePreview {
  if (!file.ok) return failedFile(file.fileName, file.errors);
  return {
    fileName: file.fileName,
    errors: [],
    relativeFolder: file.relativeFolder,
    contexts: file.contexts.map((context, index) => ({
      name: context.name,
      importName: names[index]!,
      cluster: context.cluster,
      server: context.server,
      user: context.user,
      namespace: context.namespace,
      authKind: context.authKind,
      current: context.current,
      localFiles: context.localFiles,
    })),
  };
}

function toEntry(context: PreparedContext, flattened: KubeConfig, name: string, fileName: string): NewKubeconfig {
  return {
    name,
    originalName: context.name,
    fileName,
    server: context.server,
    namespace: context.namespace,
    user: context.user,
    authKind: context.authKind,
    content: exportContext(flattened, name),
  };
}
