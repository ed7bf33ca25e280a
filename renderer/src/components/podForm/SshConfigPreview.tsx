/**
 * Under the form's SSH fields: what `ssh HOST` would use for the host typed, from the record's own fields (plain),
 * ~/.ssh/config (greyed, with file:line) and OpenSSH's defaults (greyed), for the target and each jump host, so the
 * user sees the effective settings before connecting. Asked of main (`ssh.settings`) a moment after typing stops.
 */
import { useEffect, useState } from 'react';
import type { SshSettingsRequest, SshSettingsView } from '../../../../common/sshSettings';
import { messageOf } from '../../../../common/errors';

/** Long enough not to ask on every keystroke, short enough to feel immediate. */
const LOOKUP_DELAY_MS = 300;

interface SshConfigPreviewProps {
  request: SshSettingsRequest;
  lookUp(request: SshSettingsRequest): Promise<SshSettingsView>;
}

export function SshConfigPreview({ request, lookUp }: SshConfigPreviewProps) {
  const [view, setView] = useState<SshSettingsView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const key = JSON.stringify(request);
  useEffect(() => {
    const asked = JSON.parse(key) as SshSettingsRequest;
    // Nothing to look up; the preview is hidden meanwhile (below), and the next host's answer replaces the last.
    if (!asked.sshHost.trim()) return;
    let current = true;
    const timer = setTimeout(() => {
      lookUp(asked).then(
        (found) => {
          if (!current) return;
          setView(found);
          setProblem(null);
        },
        (error: unknown) => {
          if (current) setProblem(messageOf(error));
        },
      );
    }, LOOKUP_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, lookUp]);

  if (!request.sshHost.trim()) return null;
  return (
    <section className="span-2 ssh-config-preview" aria-label="Effective SSH settings">
      <p className="form-note">
        What ssh would use: this record&apos;s fields, then ~/.ssh/config (greyed, with its line), then ssh&apos;s
        defaults.
      </p>
      {problem && <p className="form-error">{problem}</p>}
      {view?.problem && <p className="form-error">{view.problem}</p>}
      {view?.endpoints.map((endpoint) => (
        <div key={`${endpoint.role} ${endpoint.name}`} className="ssh-endpoint">
          <div className="ssh-endpoint-title">
            {endpoint.role}: <span className="mono">{endpoint.name}</span>
          </div>
          <table className="ssh-settings">
            <tbody>
              {endpoint.settings.map((setting, index) => (
                <tr key={index} className={setting.source === 'record' ? 'from-record' : 'from-config'}>
                  <th scope="row">{setting.keyword}</th>
                  <td className="mono">{setting.value}</td>
                  <td className="ssh-setting-source">{setting.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {endpoint.notes.length > 0 && (
            <ul className="ssh-notes">
              {endpoint.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}
