/**
 * The SSH server's login questions, shown inside their tab (other tabs stay usable): the password when none is saved,
 * a one-time code after the key was accepted, whatever PAM asks. Answers go to the server once and are kept nowhere,
 * not even in this component after it closes.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AuthPrompt } from '../../../../common/contract';
import { KeyIcon } from '../icons';

interface AuthPromptDialogProps {
  prompt: AuthPrompt;
  busy: boolean;
  /** Whether this tab is the visible one (focus moves in only then). */
  active: boolean;
  onAnswer(answers: string[] | null): void;
}

export function AuthPromptDialog({ prompt, busy, active, onAnswer }: AuthPromptDialogProps) {
  // The parent keys this dialog by prompt id, so a new question starts empty: a retry never resends old answers.
  const [answers, setAnswers] = useState<string[]>(() => prompt.prompts.map(() => ''));
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (active) first.current?.focus();
  }, [active]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) onAnswer(answers);
  };
  const titleId = `auth-${prompt.promptId}`;
  return (
    <form className="session-card auth-prompt" role="dialog" aria-labelledby={titleId} onSubmit={submit}>
      <div className="session-card-title" id={titleId}>
        <KeyIcon />
        {prompt.title}
      </div>
      <p className="session-card-text">
        <span className="mono">{prompt.target}</span> asks before it lets you in. Your answers go to the server only;
        Podterm does not keep them.
      </p>
      {prompt.instructions && <p className="session-card-text auth-instructions">{prompt.instructions}</p>}
      <div className="auth-fields">
        {prompt.prompts.map((question, index) => (
          <label key={index} className="auth-field">
            <span className="auth-question">{question.prompt.trim()}</span>
            <input
              ref={index === 0 ? first : undefined}
              className="input mono"
              type={question.echo ? 'text' : 'password'}
              value={answers[index] ?? ''}
              disabled={busy}
              onChange={(event) => {
                const next = [...answers];
                next[index] = event.target.value;
                setAnswers(next);
              }}
              // One-time answers: no browser password manager offers or saves anything here.
              autoComplete={question.echo ? 'off' : 'new-password'}
              spellCheck={false}
            />
          </label>
        ))}
      </div>
      <div className="session-card-actions">
        <button type="button" className="btn" disabled={busy} onClick={() => onAnswer(null)}>
          Cancel
        </button>
        <span className="spacer" />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Log in
        </button>
      </div>
    </form>
  );
}
