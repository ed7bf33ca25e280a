/**
 * MIGRATION_INSTRUCTIONS.md's troubleshooting section cannot drift from the code: every failure reason the code can
 * report has a row, every row names a reason the code has, and every "message contains" phrase is still in the source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTEXT_CHOICE_FAILURES } from '../../main/core/kube/access/contextChoice';
import { DEBUG_CONTAINER_FAILURES } from '../../main/core/kube/api/debugContainers';
import { POD_READ_FAILURES } from '../../main/core/kube/api/podReader';
import { HOST_KEY_ERROR_KINDS } from '../../main/core/ssh/hostKeys';
import { KUBE_EXEC_FAILURES } from '../../main/core/kube/exec/execErrors';
import { SSH_CONNECT_FAILURES } from '../../main/core/ssh/sshSession';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guide = readFileSync(join(root, 'MIGRATION_INSTRUCTIONS.md'), 'utf8');
const troubleshooting = guide.slice(guide.indexOf('## 4. Troubleshooting'), guide.indexOf('## 5.'));

/** The families the guide documents, each with the reasons the code can report. */
const FAMILIES: Record<string, readonly string[]> = {
  ssh: SSH_CONNECT_FAILURES,
  'host-key': HOST_KEY_ERROR_KINDS,
  'kube-exec': KUBE_EXEC_FAILURES,
  'pod-read': POD_READ_FAILURES,
  context: CONTEXT_CHOICE_FAILURES,
  'debug-container': DEBUG_CONTAINER_FAILURES,
};

/** Codes in the first column of the guide's tables: "| `family/reason` |". */
function documentedCodes(): string[] {
  return [...troubleshooting.matchAll(/^\|\s*`([a-z-]+\/[A-Za-z]+)`\s*\|/gm)].map((match) => match[1]!);
}

function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(name)) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['main', 'common', 'renderer/src']) walk(join(root, dir));
  return texts.join('\n');
}

describe('MIGRATION_INSTRUCTIONS.md troubleshooting', () => {
  it('has a row for every failure reason in the code, and no row for one that does not exist', () => {
    const expected = Object.entries(FAMILIES).flatMap(([family, reasons]) => reasons.map((r) => `${family}/${r}`));
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect(new Set(documented).size, 'a code is documented twice').toBe(documented.length);
    expect([...documented].sort()).toEqual([...expected].sort());
  });

  it('quotes only words the code still says', () => {
    const other = troubleshooting.slice(troubleshooting.indexOf('### Other messages'));
    const phrases = [...other.matchAll(/^\|\s*`([^`]+)`/gm)].map((match) => match[1]!);
    expect(phrases.length).toBeGreaterThan(5);
    const source = sourceText();
    for (const phrase of phrases) expect(source.includes(phrase), `"${phrase}" is no longer in the code`).toBe(true);
  });
});

describe('MIGRATION_INSTRUCTIONS.md bringing records over', () => {
  const section = guide.slice(guide.indexOf('## 5.'));
  const source = sourceText();

  it('gives the exact dumpdata command, and says how to find the app label to fill in', () => {
    expect(section).toContain('python manage.py dumpdata <app>.KubernetesPod --indent 2 > pods.json');
    expect(section).toMatch(/Fill in `<app>`: the app label/);
    expect(section).toContain('python manage.py showmigrations');
  });

  it('names the one step in the app with the words the app shows', () => {
    expect(section).toContain('**Settings → Records → Import…**');
    expect(section).toContain('**Import N records**');
    expect(section).toContain('**Settings → Records → Refresh all**');
    // The section, its buttons and the import button are labelled so in the renderer.
    expect(source).toContain("{ id: 'records', label: 'Records', component: RecordsSection }");
    expect(source).toMatch(/>\s*Import…\s*</);
    expect(source).toMatch(/>\s*Refresh all\s*</);
    expect(source).toMatch(/Import \{preview\?\.importable \?\? 0\} record/);
  });

  it('gives the command-line equivalent with options the CLI has', () => {
    const cli = readFileSync(join(root, 'main/cli/podterm.ts'), 'utf8');
    expect(section).toContain('pods import pods.json --dry-run');
    expect(section).toContain('pods import pods.json --map created_at=');
    expect(section).toContain('pods backfill');
    // Each option is declared in the CLI's parseArgs table ("map: { type: …", "'dry-run': { type: …").
    for (const option of ['dry-run', 'map', 'without-secrets', 'web']) {
      expect(cli, option).toMatch(new RegExp(`['"]?${option}['"]?: \\{ type:`));
    }
  });

  it('names the mappings the code makes', async () => {
    const { prepareImport } = await import('../../main/core/recordsTransfer');
    const { recordsImportSchema } = await import('../../common/records');
    const text = JSON.stringify([
      {
        model: 'terminal.kubernetespod',
        pk: 1,
        fields: {
          name: 'a',
          cluster_host: 'https://h:6443',
          ssh_host: 'h',
          ssh_username: 'u',
          private_key: '',
          pod_name: 'p',
        },
      },
    ]);
    const { preview } = await prepareImport(recordsImportSchema.parse({ fileName: 'pods.json', text }), {
      pods: { get: () => null, findBySourceId: () => null, getForConnect: async () => null, importAll: async () => [] },
      kubeconfigExists: () => false,
    });
    for (const { source, target } of preview.mapping) {
      if (source === 'name') continue;
      expect(section, `${source} → ${target}`).toContain(`\`${source}\``);
      expect(section, `${source} → ${target}`).toContain(`\`${target}\``);
    }
  });
});
