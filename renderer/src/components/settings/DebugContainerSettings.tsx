/**
 * Settings → Debug containers: the image "Debug with an ephemeral container" adds, in general and per kubeconfig
 * context (a cluster that can only pull from its own mirror, or a team's image with more tools). Saved on Enter or when
 * the field is left; main checks each image reference and says what is wrong under the field.
 */
import { useState, useSyncExternalStore } from 'react';
import { ContractError } from '../../../../common/contract';
import { DEFAULT_DEBUG_IMAGE, type SettingsSaveRequest } from '../../../../common/settings';
import { messageOf } from '../../../../common/errors';
import { settingsStore } from '../../session/settingsStore';
import { formatByContext, parseByContext } from '../../lib/debugImages';
import { Row } from './TerminalSettings';
import './TerminalSettings.css';

const subscribe = (listener: () => void) => settingsStore.subscribe(listener);

export function DebugContainerSettings() {
  const settings = useSyncExternalStore(subscribe, () => settingsStore.get());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [imageDraft, setImage] = useState<string | null>(null);
  const [byContextDraft, setByContext] = useState<string | null>(null);
  const image = imageDraft ?? settings.debugImage;
  const byContext = byContextDraft ?? formatByContext(settings.debugImageByContext);

  const save = (changes: SettingsSaveRequest, key: string) => {
    settingsStore.save(changes).then(
      () => setErrors((current) => ({ ...current, [key]: '' })),
      (error: unknown) => {
        const fieldErrors = error instanceof ContractError ? error.fieldErrors : undefined;
        const message = Object.values(fieldErrors ?? {})[0] ?? messageOf(error);
        setErrors((current) => ({ ...current, [key]: message }));
      },
    );
  };
  const saveImage = () => {
    if (image.trim() !== settings.debugImage) save({ debugImage: image.trim() }, 'debugImage');
  };
  const saveByContext = () => {
    const parsed = parseByContext(byContext);
    if ('error' in parsed) setErrors((current) => ({ ...current, debugImageByContext: parsed.error }));
    else save({ debugImageByContext: parsed.map }, 'debugImageByContext');
  };

  return (
    <section className="terminal-settings" aria-labelledby="debug-settings-title">
      <h3 id="debug-settings-title" className="settings-section-title">
        Debug containers
      </h3>
      <Row
        label="Image"
        error={errors.debugImage || undefined}
        hint={`What "Debug with an ephemeral container" runs; its default command must be a shell. Default ${DEFAULT_DEBUG_IMAGE}.`}
      >
        {(id) => (
          <input
            id={id}
            className="input mono"
            value={image}
            placeholder={DEFAULT_DEBUG_IMAGE}
            spellCheck={false}
            onChange={(event) => setImage(event.target.value)}
            onBlur={() => {
              saveImage();
              setImage(null);
            }}
            onKeyDown={(event) => event.key === 'Enter' && saveImage()}
          />
        )}
      </Row>
      <Row
        label="Per context"
        error={errors.debugImageByContext || undefined}
        hint='One "context = image" per line, for the kubeconfig contexts whose clusters need another image.'
      >
        {(id) => (
          <textarea
            id={id}
            className="textarea mono"
            rows={3}
            value={byContext}
            placeholder="prod = registry.example.com/mirror/busybox:1.36"
            spellCheck={false}
            onChange={(event) => setByContext(event.target.value)}
            onBlur={() => {
              saveByContext();
              setByContext(null);
            }}
          />
        )}
      </Row>
    </section>
  );
}
