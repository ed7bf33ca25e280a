/**
 * Importing kubeconfigs: `preview` validates files and says what each context would be imported as; `import` validates
 * again (the renderer's preview is never trusted) and stores the chosen contexts. A file with any problem is not
 * imported at all, and nothing stored changes for it.
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
} from '../../../common/importedKubeconfigs';
import type { ImportedKubeconfigRepository, NewKubeconfig } from '../store';
import {
  DEFAULT_REFERENCE_DIR,
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
  import(files: KubeconfigFileInput[], selected: string[][], replaces?: string): Promise<KubeconfigImportResult>;
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

    async import(files, selected, replaces) {
      const { prepared, names } = await prepareAll(files, replaces);
      const entries: NewKubeconfig[] = [];
      const failed: KubeconfigFilePreview[] = [];
      prepared.forEach((file, index) => {
        if (!file.ok) {
          failed.push(toPreview(file, []));
          return;
        }
        const wanted = new Set(selected[index] ?? []);
        file.contexts.forEach((context, contextIndex) => {
          if (!wanted.has(context.name)) return;
          const name = names[index]![contextIndex]!;
          entries.push(toEntry(context, name, file.fileName));
        });
      });
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

function toPreview(file: PreparedFile, names: string[]): KubeconfigFilePreview {
  if (!file.ok) return { fileName: file.fileName, contexts: [], errors: file.errors };
  return {
    fileName: file.fileName,
    errors: [],
    contexts: file.contexts.map((context, index) => ({
      name: context.name,
      importName: names[index]!,
      cluster: context.cluster,
      server: context.server,
      user: context.user,
      namespace: context.namespace,
      authKind: context.authKind,
      current: context.current,
    })),
  };
}

function toEntry(context: PreparedContext, name: string, fileName: string): NewKubeconfig {
  return {
    name,
    originalName: context.name,
    fileName,
    server: context.server,
    namespace: context.namespace,
    user: context.user,
    authKind: context.authKind,
    content: exportContext(context, name),
  };
}
