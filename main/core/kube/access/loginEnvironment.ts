/**
 * The user's login-shell environment. A desktop app started from a launcher (Dock, Start menu, .desktop file) gets the
 * session's thin environment: PATH without ~/bin, /opt/homebrew/bin, ~/.krew/bin or the cloud SDKs, and none of the
 * variables the shell's rc files export. Exec credential plugins (`aws`, `gke-gcloud-auth-plugin`, `kubelogin`) then
 * cannot be found although kubectl finds them in the user's terminal. Lens and Headlamp solve this the same way: run
 * the login shell once, interactively, and read the environment it ends up with.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { messageOf } from '../../../../common/errors';

/**
 * How long the login shell may take to print its environment. Plain shells answer in tens of milliseconds; a zsh with
 * oh-my-zsh, nvm or conda takes 1–4 s. Past 5 s something waits for input (a prompt, a tmux attach) and the process
 * environment is the better answer.
 */
export const DEFAULT_LOGIN_ENV_TIMEOUT_MS = 5_000;
/** The shell when $SHELL is unset: POSIX guarantees /bin/sh. */
const FALLBACK_SHELL = '/bin/sh';
/** An environment is a few KiB; a shell that prints megabytes is printing something else. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface LoginEnvironmentOptions {
  /** Defaults to $SHELL, else /bin/sh. */
  shell?: string;
  /** Defaults to DEFAULT_LOGIN_ENV_TIMEOUT_MS. */
  timeoutMs?: number;
  /** The environment the shell starts with and the fallback; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Where the reason for a fallback goes; defaults to console.warn. */
  log?: (message: string) => void;
}

/**
 * Runs the login shell as `$SHELL -ilc '…'` and returns the environment it prints (`env -0` between unique markers, so
 * whatever rc files print is ignored). Never rejects: on Windows, on a timeout or on any failure it returns (a copy of)
 * the given environment and logs why.
 */
export async function captureLoginEnvironment(options: LoginEnvironmentOptions = {}): Promise<NodeJS.ProcessEnv> {
  const baseEnv = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  // Windows apps inherit the user's full environment from Explorer; there is no login shell to ask.
  if (platform === 'win32') return { ...baseEnv };
  const log = options.log ?? ((message: string) => console.warn(`podterm: ${message}`));
  const shell = options.shell ?? (baseEnv['SHELL'] || FALLBACK_SHELL);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_ENV_TIMEOUT_MS;
  try {
    return await runShell(shell, baseEnv, timeoutMs);
  } catch (error) {
    const reason = messageOf(error);
    log(`using the app's own environment for credential plugins: ${reason}`);
    return { ...baseEnv };
  }
}

let memoised: Promise<NodeJS.ProcessEnv> | null = null;

/**
 * A getter for the login environment, captured once per process: the first call of any getter starts the capture
 * (with that getter's options), every call returns the same promise. Call the getter early (at start-up) so the first
 * connect does not wait for the shell; it is what AccessEnvironment.loginEnv wants.
 */
export function lazyLoginEnvironment(options: LoginEnvironmentOptions = {}): () => Promise<NodeJS.ProcessEnv> {
  return () => (memoised ??= captureLoginEnvironment(options));
}

function runShell(shell: string, baseEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<NodeJS.ProcessEnv> {
  const id = randomUUID();
  const start = `__PODTERM_ENV_START_${id}__`;
  const end = `__PODTERM_ENV_END_${id}__`;
  // printf rather than echo: no trailing newline to strip, and the same in every shell (fish included).
  const command = `printf '%s' '${start}'; env -0; printf '%s' '${end}'`;
  // oh-my-zsh asks "update now? [Y/n]" on some starts; nobody would answer.
  const env: NodeJS.ProcessEnv = { ...baseEnv, DISABLE_AUTO_UPDATE: 'true' };

  return new Promise((resolve, reject) => {
    // detached: its own session, so the interactive shell has no controlling terminal to take over (and to stop on
    // SIGTTOU), and the whole group can be killed on a timeout.
    const child = spawn(shell, ['-ilc', command], { env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: { env: NodeJS.ProcessEnv } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('env' in outcome) resolve(outcome.env);
      else reject(outcome.error);
    };
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({ error: new Error(`the login shell ${shell} did not print its environment within ${timeoutMs} ms`) });
    }, timeoutMs);

    const tryParse = (): NodeJS.ProcessEnv | null => {
      const text = Buffer.concat(chunks).toString('utf8');
      const from = text.indexOf(start);
      const to = from === -1 ? -1 : text.indexOf(end, from + start.length);
      if (to === -1) return null;
      return parseEnv0(text.slice(from + start.length, to));
    };
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_OUTPUT_BYTES) {
        killGroup();
        finish({ error: new Error(`the login shell ${shell} printed more than ${MAX_OUTPUT_BYTES} bytes`) });
        return;
      }
      chunks.push(chunk);
      // Done as soon as the end marker is there: rc files may start things that keep the shell busy after it.
      const parsed = tryParse();
      if (parsed !== null) finish(validated(parsed, baseEnv, shell));
    });
    child.on('error', (error) =>
      finish({ error: new Error(`the login shell ${shell} could not be started (${error.message})`) }),
    );
    child.on('close', (code) => {
      const parsed = tryParse();
      if (parsed !== null) finish(validated(parsed, baseEnv, shell));
      else
        finish({ error: new Error(`the login shell ${shell} exited (code ${code}) without printing its environment`) });
    });
  });
}

/** `env -0` output: NAME=value entries separated by NUL (values may hold newlines, hence -0). */
export function parseEnv0(text: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const entry of text.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals <= 0) continue;
    env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}

function validated(
  parsed: NodeJS.ProcessEnv,
  baseEnv: NodeJS.ProcessEnv,
  shell: string,
): { env: NodeJS.ProcessEnv } | { error: Error } {
  if (!parsed['PATH']) return { error: new Error(`the login shell ${shell} printed an environment without PATH`) };
  // Ours, not the user's: do not hand it to plugins unless the user had it set.
  if (baseEnv['DISABLE_AUTO_UPDATE'] === undefined) delete parsed['DISABLE_AUTO_UPDATE'];
  else parsed['DISABLE_AUTO_UPDATE'] = baseEnv['DISABLE_AUTO_UPDATE'];
  return { env: parsed };
}
