/**
 * `podterm`: Podterm's pod records from the command line, on plain Node (no Electron), against the same database and
 * core as the app. Bundled to dist/main/cli.mjs; see usage() and README.md ("Command line").
 */
import { closeSync, existsSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONNECTION_METHOD_LABELS, type PodView } from '../../common/pods';
import type { BackfillLine } from './backfill';
import {
  DATABASE_FILE_NAME,
  describeProblem,
  exportRecords as exportRecordsOf,
  forgetStoredSecrets,
  parseMappingOption,
  prepareImport,
  SECRET_KEY_FILE_NAME,
  secretsSetBy,
} from '../core';
import type { FieldMapping } from '../../common/records';
import {
  chooseDataDir,
  openDatabaseFor,
  refuseWhileAppRuns,
  SEALED_SECRETS_MESSAGE,
  type OpenedDatabase,
} from './database';
import { CliError, EXIT_OK, EXIT_USAGE } from './errors';
import { formatTable, printable } from './table';
import { messageOf } from '../../common/errors';

/** An export with secrets is credentials in plaintext: owner read/write only. */
const SECRET_FILE_MODE = 0o600;
/** Without secrets it is an ordinary file (umask applies). */
const PLAIN_FILE_MODE = 0o644;
/** package.json engines: better-sqlite3's native module is built for this Node; an older one crashes loading it. */
const MIN_NODE_MAJOR = 24;

function usage(): string {
  return `Usage: podterm [--data-dir DIR | --web] pods <command> [options]
       podterm [--data-dir DIR | --web] secrets forget

Podterm's pod records, without the app.

Commands:
  pods list [--json]                     the records: name, namespace/pod, cluster, SSH, last method, last connected
  pods export [--include-secrets] [-o FILE]
                                         the records as a JSON array; secrets only with --include-secrets (then FILE
                                         is written with mode 0600)
  pods import FILE [--dry-run] [--without-secrets] [--map SOURCE=FIELD ...]
                                         JSON (as exported), the earlier web terminal's Django dumpdata JSON as it is,
                                         or CSV with a header row of field names (Podterm's or the earlier app's).
                                         Fields are mapped by name (cluster_host → clusterHost, …); --map chooses
                                         another (SOURCE= leaves a field out); a field nothing maps stops the import.
                                         Every row is checked first; when any row is invalid nothing is imported. A
                                         row's id (or a dumpdata pk imported before) updates that record, else creates
                                         it. One transaction.
  pods backfill [--dry-run]              for each Kubernetes record missing its cluster host or credentials, resolve
                                         them through the access chain (KUBECONFIG / ~/.kube/config, the record's
                                         kubeconfig, token, in-cluster) and store them; reports every record
  secrets forget                         after secret.key is lost: delete every stored secret and imported
                                         kubeconfig (unreadable without the key), keeping the records' other
                                         fields, so Podterm can start over with a new key

Database (the one opened is named on stderr):
  --data-dir DIR   the data directory holding podterm.db
  --web            the browser mode's: $XDG_DATA_HOME/podterm, else ~/.local/share/podterm
  (neither)        the desktop app's: $XDG_CONFIG_HOME/Podterm, else ~/.config/Podterm (Linux);
                   ~/Library/Application Support/Podterm (macOS); %APPDATA%\\Podterm (Windows)

Secrets: a browser-mode database's secrets (key in secret.key beside it) can be exported and imported. A desktop
database's are sealed by the OS keychain, which plain Node cannot open: the CLI then works on the other fields and
keeps every stored secret.

Writing (import, backfill, secrets forget) is refused while Podterm is running on the same database; reading works
anyway, also in a read-only data directory.

Exit status: 0 done, 1 usage or validation error, 2 refused because Podterm is using the database.`;
}

interface Options {
  'data-dir'?: string;
  web?: boolean;
  json?: boolean;
  'include-secrets'?: boolean;
  'without-secrets'?: boolean;
  output?: string;
  'dry-run'?: boolean;
  map?: string[];
  help?: boolean;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        web: { type: 'boolean' },
        json: { type: 'boolean' },
        'include-secrets': { type: 'boolean' },
        'without-secrets': { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        'dry-run': { type: 'boolean' },
        map: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliError(EXIT_USAGE, `${messageOf(error)}. See podterm --help.`);
  }
  const options: Options = parsed.values;
  const [group, command, ...rest] = parsed.positionals;
  if (options.help || group === undefined || group === 'help') {
    console.log(usage());
    return EXIT_OK;
  }
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor < MIN_NODE_MAJOR) {
    throw new CliError(
      EXIT_USAGE,
      `Node.js ${MIN_NODE_MAJOR} or newer is needed; this is ${process.version}. Put Node ${MIN_NODE_MAJOR} first ` +
        'on your PATH (see README.md, Prerequisites).',
    );
  }
  const known = group === 'pods' || (group === 'secrets' && command === 'forget');
  if (!known || command === undefined) {
    throw new CliError(
      EXIT_USAGE,
      `Unknown command "${[group, command].filter(Boolean).join(' ')}". See podterm --help.`,
    );
  }
  if (options['data-dir'] !== undefined && options.web) {
    throw new CliError(EXIT_USAGE, 'Give either --data-dir DIR or --web, not both.');
  }
  const choice = chooseDataDir({ dataDir: options['data-dir'], web: options.web }, process.env);
  const expectArgs = (count: number, shape: string) => {
    if (rest.length !== count) throw new CliError(EXIT_USAGE, `Usage: podterm pods ${command} ${shape}`.trimEnd());
  };

  if (group === 'secrets') {
    expectArgs(0, '');
    return forgetSecrets(choice);
  }
  switch (command) {
    case 'list':
      expectArgs(0, '[--json]');
      return withDatabase(choice, false, (db) => list(db, options.json === true));
    case 'export':
      expectArgs(0, '[--include-secrets] [-o FILE]');
      return withDatabase(choice, false, (db) => exportRecords(db, options));
    case 'import':
      expectArgs(1, 'FILE [--dry-run] [--without-secrets] [--map SOURCE=FIELD ...]');
      return importRecords(choice, rest[0]!, options);
    case 'backfill': {
      expectArgs(0, '[--dry-run]');
      const dryRun = options['dry-run'] === true;
      return withDatabase(choice, !dryRun, async (db) => {
        // Loaded on demand: the access chain brings client-node, which costs most of a second at start-up.
        const { backfill } = await import('./backfill');
        const lines = await backfill(db, { dryRun, env: process.env });
        printBackfill(lines, dryRun);
        return EXIT_OK;
      });
    }
    default:
      throw new CliError(EXIT_USAGE, `Unknown command "pods ${command}". See podterm --help.`);
  }
}

async function withDatabase(
  choice: ReturnType<typeof chooseDataDir>,
  write: boolean,
  run: (db: OpenedDatabase) => Promise<number> | number,
): Promise<number> {
  const db = await openDatabaseFor(choice, write);
  console.error(db.describe());
  try {
    return await run(db);
  } finally {
    db.store.close();
  }
}

/** `secrets forget`: the deliberate way to start over when secret.key is lost (the web server says to run it). */
function forgetSecrets(choice: ReturnType<typeof chooseDataDir>): number {
  const path = join(choice.dataDir, DATABASE_FILE_NAME);
  const keyPath = join(choice.dataDir, SECRET_KEY_FILE_NAME);
  if (!existsSync(path)) throw new CliError(EXIT_USAGE, `No Podterm database at ${path} (${choice.source}).`);
  if (existsSync(keyPath)) {
    throw new CliError(
      EXIT_USAGE,
      `${keyPath} is there, so the stored secrets can be read: nothing was forgotten. If it is the wrong key (stored ` +
        'secrets fail to decrypt), move it aside first and run this again.',
    );
  }
  refuseWhileAppRuns(choice.dataDir, path);
  const forgotten = forgetStoredSecrets(path);
  console.log(
    `Forgot the secrets of ${forgotten.records} record${forgotten.records === 1 ? '' : 's'} and removed ` +
      `${forgotten.kubeconfigs} imported kubeconfig context${forgotten.kubeconfigs === 1 ? '' : 's'} in ${path}. ` +
      'Podterm makes a new secret.key when it next starts; enter the secrets again (Edit each record) and import ' +
      'the kubeconfigs again.',
  );
  return EXIT_OK;
}

function list(db: OpenedDatabase, json: boolean): number {
  const pods = db.store.pods.list();
  if (json) {
    console.log(JSON.stringify(pods, null, 2));
    return EXIT_OK;
  }
  if (pods.length === 0) {
    console.error('No pod records yet.');
    return EXIT_OK;
  }
  const rows = pods.map((pod) => [
    pod.name,
    target(pod),
    pod.clusterHost ?? (pod.kubeContext ? `context ${pod.kubeContext}` : '-'),
    pod.sshHost ? `${pod.sshUser ?? ''}@${pod.sshHost}${pod.sshPort === 22 ? '' : `:${pod.sshPort}`}` : '-',
    pod.lastConnectionMethod ? CONNECTION_METHOD_LABELS[pod.lastConnectionMethod] : '-',
    pod.lastConnectedAt ? localTime(pod.lastConnectedAt) : 'never',
  ]);
  console.log(formatTable(['NAME', 'NAMESPACE/POD', 'CLUSTER', 'SSH', 'LAST METHOD', 'LAST CONNECTED'], rows));
  return EXIT_OK;
}

function target(pod: PodView): string {
  if (pod.podName) return `${pod.namespace}/${pod.podName}`;
  if (pod.labelSelector) return `${pod.namespace}/[${pod.labelSelector}]`;
  return '-';
}

/** "2026-11-26 09:14" in the local time zone: what a person compares with their clock. */
function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

async function exportRecords(db: OpenedDatabase, options: Options): Promise<number> {
  const includeSecrets = options['include-secrets'] === true;
  if (includeSecrets && db.sealed) {
    throw new CliError(
      EXIT_USAGE,
      `Cannot export secrets: ${SEALED_SECRETS_MESSAGE}. Export without --include-secrets and enter the secrets again ` +
        'after the import, export them with Settings → Records → Export… in the desktop app, or export from a ' +
        'browser-mode database.',
    );
  }
  const { text, count } = await exportRecordsOf(db.store.pods, includeSecrets);
  if (options.output === undefined) {
    process.stdout.write(text);
  } else {
    writeFileWithMode(resolve(options.output), text, includeSecrets ? SECRET_FILE_MODE : PLAIN_FILE_MODE);
    console.error(`Exported ${count} record${count === 1 ? '' : 's'} to ${resolve(options.output)}.`);
  }
  if (includeSecrets) {
    const where = options.output === undefined ? 'standard output' : `${resolve(options.output)} (mode 0600)`;
    console.error(
      `WARNING: the export holds secrets (tokens, kubeconfigs, SSH passwords and keys) in plaintext, written to ${where}. ` +
        'Anyone who can read it can use them: import it and delete it; never commit or share it.',
    );
  }
  return EXIT_OK;
}

/** Creates or truncates the file and sets its mode before writing a byte (an existing file keeps a looser mode otherwise). */
function writeFileWithMode(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'w', mode);
  try {
    if (mode === SECRET_FILE_MODE) fchmodSync(fd, mode);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

async function importRecords(
  choice: ReturnType<typeof chooseDataDir>,
  file: string,
  options: Options,
): Promise<number> {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(EXIT_USAGE, `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let mapping;
  try {
    mapping = parseMappingOption(options.map ?? []);
  } catch (error) {
    throw new CliError(EXIT_USAGE, `${messageOf(error)}. Nothing was imported.`);
  }
  const input = { fileName: path, text, mapping, corrections: [] };
  const dryRun = options['dry-run'] === true;
  return withDatabase(choice, !dryRun, async (db) => {
    const target = {
      pods: db.store.pods,
      kubeconfigExists: (id: string) => db.store.importedKubeconfigs.get(id) !== null,
    };
    const prepare = async (withoutSecrets: boolean) => {
      try {
        return await prepareImport(input, target, { withoutSecrets });
      } catch (error) {
        throw new CliError(EXIT_USAGE, messageOf(error));
      }
    };
    let prepared = await prepare(false);
    printMapping(prepared.preview.mapping);
    /** Prints every problem and says nothing was imported; EXIT_USAGE. */
    const refuse = (preview: typeof prepared.preview): number => {
      const list = [...preview.fileProblems, ...preview.rows.flatMap((row) => row.problems)];
      for (const problem of list) console.error(`podterm: ${printable(describeProblem(problem))}`);
      console.error(
        `podterm: nothing was imported: ${list.length} problem${list.length === 1 ? '' : 's'} in ${path}; ` +
          'fix the rows above (or map the fields with --map SOURCE=FIELD, SOURCE= to leave one out) and run the ' +
          'import again.',
      );
      return EXIT_USAGE;
    };
    if (prepared.preview.importable === 0 && hasProblems(prepared.preview)) return refuse(prepared.preview);
    const withSecrets = prepared.writes.filter(({ request }) => secretsSetBy(request).length > 0);
    if (db.sealed && withSecrets.length > 0) {
      if (!options['without-secrets']) {
        throw new CliError(
          EXIT_USAGE,
          `${path} carries secrets (row${withSecrets.length === 1 ? '' : 's'} ${withSecrets.map((r) => r.row).join(', ')}), but ` +
            `${SEALED_SECRETS_MESSAGE}. Import it in the desktop app (Settings → Records → Import…), which seals them ` +
            'with the OS keychain; or run again with --without-secrets to import everything else (stored secrets are ' +
            'kept), or import into a browser-mode database (--web). Nothing was imported.',
        );
      }
      prepared = await prepare(true);
      if (hasProblems(prepared.preview)) return refuse(prepared.preview);
      console.error(
        `Secrets in ${withSecrets.length} row${withSecrets.length === 1 ? '' : 's'} were left out (--without-secrets); ` +
          'enter them in the app.',
      );
    }
    if (dryRun) {
      for (const row of prepared.preview.rows) {
        const { request } = prepared.writes.find((write) => write.row === row.row)!;
        console.log(
          `row ${row.row}: would ${row.action ?? 'create'} "${printable(row.name)}"${request.id ? ` (${request.id})` : ''}`,
        );
      }
      const count = prepared.writes.length;
      console.log(`Dry run: ${count} record${count === 1 ? '' : 's'} valid; nothing was written.`);
      return EXIT_OK;
    }
    const results = await db.store.pods.importAll(prepared.writes.map((write) => write.request));
    const created = results.filter((r) => r.action === 'created').length;
    console.log(
      `Imported ${results.length} record${results.length === 1 ? '' : 's'} from ${path}: ${created} created, ` +
        `${results.length - created} updated.`,
    );
    return EXIT_OK;
  });
}

function hasProblems(preview: { fileProblems: unknown[]; rows: Array<{ problems: unknown[] }> }): boolean {
  return preview.fileProblems.length > 0 || preview.rows.some((row) => row.problems.length > 0);
}

/** The fields read under another name or converted, and those left out, on stderr: nothing is mapped or dropped unseen. */
function printMapping(mapping: FieldMapping[]): void {
  const renamed = mapping.filter(
    (entry) => entry.target !== null && (entry.target !== entry.source || entry.note !== undefined),
  );
  const left = mapping.filter((entry) => entry.how === 'chosen' && entry.target === null);
  if (renamed.length > 0) {
    console.error(
      `Fields read as: ${renamed.map((entry) => `${printable(entry.source)} → ${entry.target}${entry.note ? ` (${entry.note})` : ''}`).join(', ')}.`,
    );
  }
  if (left.length > 0) console.error(`Left out (--map): ${left.map((entry) => printable(entry.source)).join(', ')}.`);
}

function printBackfill(lines: BackfillLine[], dryRun: boolean): void {
  const tag = {
    updated: dryRun ? 'would update' : 'updated',
    unresolved: 'untouched',
    complete: 'ok',
    notKubernetes: 'skipped',
  };
  const width = Math.max(...lines.map((line) => tag[line.outcome].length));
  for (const line of lines) {
    console.log(`${tag[line.outcome].padEnd(width)}  ${printable(line.name)}: ${printable(line.detail)}`);
  }
  const count = (outcome: string) => lines.filter((line) => line.outcome === outcome).length;
  console.log(
    `${dryRun ? 'Dry run: ' : ''}${count('updated')} ${dryRun ? 'would be updated' : 'updated'}, ` +
      `${count('unresolved')} could not be resolved (left untouched), ${count('complete')} already complete, ` +
      `${count('notKubernetes')} SSH only.${dryRun ? ' Nothing was written.' : ''}`,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Messages may quote a file's content or a stored name: printed escaped, like every other user text.
    if (error instanceof CliError) {
      console.error(`podterm: ${printable(error.message)}`);
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`podterm: ${printable(messageOf(error))}`);
    process.exitCode = EXIT_USAGE;
  },
);
