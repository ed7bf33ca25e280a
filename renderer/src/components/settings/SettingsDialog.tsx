/**
 * Settings: one dialog, one section per subject, a list of sections on the left. Sections live in SECTIONS below;
 * add one there (an id, a label, and a component taking SettingsSectionProps) — the Terminal section goes there too.
 */
import { useState, type ComponentType } from 'react';
import type { KubeconfigView } from '../../../../common/importedKubeconfigs';
import type { RendererClient } from '../../client';
import { Modal } from '../Modal';
import { KubeconfigsSection } from './KubeconfigsSection';
import { RecordsSection } from './RecordsSection';
import { TerminalSettings } from './TerminalSettings';
import { DebugContainerSettings } from './DebugContainerSettings';
import './SettingsDialog.css';

/** What every section gets. */
export interface SettingsSectionProps {
  client: RendererClient;
  /** Imported kubeconfig contexts, kept by the App (the pod form lists them too). */
  kubeconfigs: KubeconfigView[];
  onKubeconfigsChanged(): void;
  /** Opens the import dialog: empty, or a file picker replacing `replaces`' contexts. */
  onImport(replaces?: string): void;
  onError(message: string): void;
  /** Settings → Records' dialogs (RecordsDialogs): each closes Settings and opens its own. */
  records: { pickImport(): void; openExport(): void; openRefreshAll(): void };
}

interface SettingsSection {
  id: string;
  label: string;
  component: ComponentType<SettingsSectionProps>;
}

/** In the order shown. Terminal settings (font, theme, scrollback, cursor, copy-on-select) go here as a section. */
const SECTIONS: SettingsSection[] = [
  { id: 'kubeconfigs', label: 'Kubeconfigs', component: KubeconfigsSection },
  { id: 'terminal', label: 'Terminal', component: TerminalSettings },
  { id: 'records', label: 'Records', component: RecordsSection },
  { id: 'debug', label: 'Debug containers', component: DebugContainerSettings },
];

interface SettingsDialogProps extends SettingsSectionProps {
  onClose(): void;
  /** The section shown first. */
  initialSection?: string;
}

export function SettingsDialog({ onClose, initialSection, ...sectionProps }: SettingsDialogProps) {
  const [current, setCurrent] = useState(
    SECTIONS.find((section) => section.id === initialSection)?.id ?? SECTIONS[0]!.id,
  );
  const section = SECTIONS.find((entry) => entry.id === current) ?? SECTIONS[0]!;
  const Section = section.component;
  return (
    <Modal
      title="Settings"
      onClose={onClose}
      closeOnBackdrop
      className="settings-modal"
      footer={
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections">
          {SECTIONS.map((entry) => (
            <button
              key={entry.id}
              type="button"
              className={`settings-nav-item${entry.id === current ? ' active' : ''}`}
              aria-current={entry.id === current ? 'page' : undefined}
              onClick={() => setCurrent(entry.id)}
            >
              {entry.label}
            </button>
          ))}
        </nav>
        <section className="settings-section" aria-label={section.label}>
          <Section {...sectionProps} />
        </section>
      </div>
    </Modal>
  );
}
