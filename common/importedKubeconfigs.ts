/**
 * Imported kubeconfigs as they cross the process boundary. The renderer reads dropped, picked or pasted files and
 * sends their text; main parses and validates them (`kubeconfigs.preview`), then stores the contexts the user ticked
 * (`kubeconfigs.import`), each as a self-contained kubeconfig encrypted through the SecretBox. Credentials never come
 * back: views carry names, servers and the auth kind only.
 */
import { z } from 'zod';
import { MAX_IMPORT_FILES, MAX_IMPORT_REQUEST_TEXT_BYTES, MAX_KUBECONFIG_BYTES } from './limits';

export { MAX_IMPORT_FILES, MAX_IMPORT_REQUEST_TEXT_BYTES, MAX_KUBECONFIG_BYTES };
/** Twice the per-file limit, so a file just over it still reaches main and gets a message that names it. */
const MAX_REQUEST_TEXT_CHARS = 2 * MAX_KUBECONFIG_BYTES;
/** A file name as the renderer knows it (no directories); long enough for any real name. */
const MAX_FILE_NAME_LENGTH = 255;

/** How a context's user authenticates, as the preview and the settings list show it. */
export const KUBE_AUTH_KINDS = ['token', 'clientCert', 'exec', 'oidc', 'authProvider', 'basic', 'none'] as const;
export type KubeAuthKind = (typeof KUBE_AUTH_KINDS)[number];

export const KUBE_AUTH_KIND_LABELS: Record<KubeAuthKind, string> = {
  token: 'token',
  clientCert: 'client cert',
  exec: 'exec plugin',
  oidc: 'OIDC',
  authProvider: 'auth provider',
  basic: 'basic',
  none: 'none',
};

/** One file to import: its name (for messages and renames) and its text. */
export const kubeconfigFileSchema = z
  .object({
    fileName: z
      .string()
      .trim()
      .min(1, { message: 'a file name is needed (pasted text is named "pasted.yaml")' })
      .max(MAX_FILE_NAME_LENGTH, { message: `a file name is at most ${MAX_FILE_NAME_LENGTH} characters` }),
    /**
     * Bounded loosely here (a request limit): main refuses anything over MAX_KUBECONFIG_BYTES per file with a message
     * naming the file, which a payload error could not do.
     */
    text: z.string().max(MAX_REQUEST_TEXT_CHARS, { message: 'the file is far too big to be a kubeconfig' }),
    /**
     * The file's folder on the machine running main, when the renderer knows it (Electron); relative references in the
     * file resolve against it, as kubectl resolves them. Without it they resolve against ~/.kube.
     */
    directory: z.string().max(4096, { message: 'a folder path is at most 4096 characters' }).optional(),
  })
  .strict();
export type KubeconfigFileInput = z.infer<typeof kubeconfigFileSchema>;

const filesSchema = z
  .array(kubeconfigFileSchema)
  .min(1, { message: 'drop, pick or paste at least one kubeconfig' })
  .max(MAX_IMPORT_FILES, { message: `import at most ${MAX_IMPORT_FILES} files at a time` })
  // Characters never outnumber their JSON-encoded bytes, so every request the page's budget lets through passes here.
  .refine((files) => files.reduce((sum, file) => sum + file.text.length, 0) <= MAX_IMPORT_REQUEST_TEXT_BYTES, {
    message: `the files come to more than ${MAX_IMPORT_REQUEST_TEXT_BYTES / 1024 / 1024} MiB together; import them in smaller groups`,
  });

/** Re-import: the stored file name whose contexts this import replaces (their ids, and so records' links, are kept). */
const replacesSchema = z.string().min(1).max(MAX_FILE_NAME_LENGTH).optional();

export const kubeconfigPreviewSchema = z.object({ files: filesSchema, replaces: replacesSchema }).strict();

/** More local files than any real kubeconfig names (each context reads at most a handful). */
const MAX_ALLOWED_LOCAL_FILES = 1000;
/** A path as long as Linux allows (PATH_MAX). */
const MAX_LOCAL_PATH_LENGTH = 4096;

export const kubeconfigImportSchema = z
  .object({
    files: filesSchema,
    /** Per file (same order as `files`): the context names (as in the file) to import. */
    selected: z.array(z.array(z.string().min(1).max(253)).max(1000)).max(MAX_IMPORT_FILES),
    /**
     * Per file (same order as `files`): the local files and programs (`KubeconfigLocalFile.path`) the person agreed to
     * by ticking the preview's box. A chosen context that needs one not listed here is not imported (the file fails
     * with a problem naming it). Absent: none agreed to.
     */
    allowedLocalFiles: z
      .array(z.array(z.string().min(1).max(MAX_LOCAL_PATH_LENGTH)).max(MAX_ALLOWED_LOCAL_FILES))
      .max(MAX_IMPORT_FILES)
      .optional(),
    replaces: replacesSchema,
  })
  .strict()
  .refine((input) => input.selected.length === input.files.length, {
    path: ['selected'],
    message: 'give the chosen contexts for every file (an empty list for a file to skip)',
  });

/**
 * How a context uses a local file: `embed` reads it once, at import, into the stored kubeconfig (certificate-authority,
 * client-certificate, client-key, tokenFile); `readAtConnect` leaves it to be read at each connect (an auth provider's
 * files); `runAtConnect` runs it at each connect (an exec credential plugin, an auth provider's cmd-path).
 */
export const LOCAL_FILE_USES = ['embed', 'readAtConnect', 'runAtConnect'] as const;
export type LocalFileUse = (typeof LOCAL_FILE_USES)[number];

export const LOCAL_FILE_USE_LABELS: Record<LocalFileUse, string> = {
  embed: 'read now, stored encrypted',
  readAtConnect: 'read at each connect',
  runAtConnect: 'run at each connect',
};

/**
 * A file on the machine running main that a context reads, or a program it runs. The preview lists each one; a context
 * that has any is imported only when the person ticks the file's box (`allowedLocalFiles`).
 */
export interface KubeconfigLocalFile {
  /** The path read or run, relative paths resolved; a program named without a folder ("aws") stays a bare name. */
  path: string;
  /** As written in the kubeconfig (differs from `path` when it was relative). */
  written: string;
  /** What it is read as and where its content goes: 'the bearer token of user "ci", sent to https://…'. */
  readAs: string;
  use: LocalFileUse;
}

/** One context of a previewed file. */
export interface KubeconfigContextPreview {
  /** The name in the file. */
  name: string;
  /** The name it would be stored under: `name`, or `name (file-stem)` when that is taken. */
  importName: string;
  cluster: string;
  server: string;
  /** Null for a context without a user (anonymous access). */
  user: string | null;
  namespace: string | null;
  authKind: KubeAuthKind;
  /** The file's current-context. */
  current: boolean;
  /** The local files it reads and programs it runs; empty for a self-contained context. */
  localFiles: KubeconfigLocalFile[];
}

/** A problem in a file: where (context/cluster/user, or a line) and what. */
export interface KubeconfigProblem {
  /** 'context "prod"', 'user "admin"', 'line 12', or null for the file as a whole. */
  place: string | null;
  message: string;
}

export interface KubeconfigFilePreview {
  fileName: string;
  /** Empty when the file has errors: nothing from a broken file is imported. */
  contexts: KubeconfigContextPreview[];
  errors: KubeconfigProblem[];
  /**
   * Where the file's relative paths were resolved, when it has any: its own folder (`fileFolder`, as kubectl does), or
   * ~/.kube for a file whose folder is unknown (dropped in the browser). Null when no path in it is relative.
   */
  relativeFolder: { folder: string; fileFolder: boolean } | null;
}

export interface KubeconfigPreviewResult {
  files: KubeconfigFilePreview[];
}

/** An imported context as the renderer sees it (no credentials). Times are epoch milliseconds. */
export interface KubeconfigView {
  id: string;
  /** The context name as imported. */
  name: string;
  originalName: string;
  fileName: string;
  server: string;
  namespace: string | null;
  user: string | null;
  authKind: KubeAuthKind;
  createdAt: number;
}

export interface KubeconfigImportResult {
  imported: KubeconfigView[];
  /** Files not imported because they have errors (the preview shows why); the store is unchanged for them. */
  failed: KubeconfigFilePreview[];
  /** Re-import: stored contexts of the replaced file that the new file no longer has. */
  removed: number;
}
