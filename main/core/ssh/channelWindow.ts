/**
 * A smaller SSH channel window than ssh2 grants. ssh2 1.x hard-codes 2 MiB (lib/Channel.js MAX_WINDOW) and tops it up
 * whenever half is used, so a paused tab still has up to 2–3 MB of a flood on its way from sshd: after Ctrl-C that is
 * seconds of the page's parsing before the prompt. ssh2 offers no option for it, so this file reaches into the two
 * internals that decide it, and nothing else:
 * - `client._protocol.session(channel, initialWindow, maxPacket)`, which opens the channel: the next call is made with
 *   our window, so sshd is granted only that much from the start;
 * - `channel.incoming.window`, ssh2's count of what the server may still send: ssh2 only ever tops it up when it drops
 *   to 1 MiB, so we make it read 2 MiB higher than the real count (it then never does) and send the window
 *   adjustments ourselves, while the session is not paused.
 * sshSession.ts (the ssh2 wrapper) calls both; test/core/sessions/sessionManager.test.ts proves the bound against a
 * real sshd.
 */

/** What this file uses of ssh2's Protocol (lib/protocol/Protocol.js). */
interface ProtocolInternals {
  session(channel: number, initialWindow: number, maxPacket: number): unknown;
  channelWindowAdjust(channel: number, amount: number): void;
}

/** What this file uses of an ssh2 channel (lib/Channel.js). */
interface ChannelInternals {
  incoming: { window: number };
  outgoing: { id: number; state: string };
}

function protocolOf(client: object): ProtocolInternals | null {
  const protocol = (client as { _protocol?: Partial<ProtocolInternals> })._protocol;
  return typeof protocol?.session === 'function' && typeof protocol.channelWindowAdjust === 'function'
    ? (protocol as ProtocolInternals)
    : null;
}

function isChannelInternals(channel: object): channel is ChannelInternals {
  const { incoming, outgoing } = channel as Partial<ChannelInternals>;
  return typeof incoming?.window === 'number' && typeof outgoing?.id === 'number';
}

/**
 * Makes the client's next channel open with `bytes` of window instead of ssh2's 2 MiB. Returns false (and changes
 * nothing) when ssh2's internals are not what this file knows: the session then keeps ssh2's window.
 */
export function openNextChannelWithWindow(client: object, bytes: number): boolean {
  const protocol = protocolOf(client);
  if (!protocol) return false;
  const original = protocol.session;
  protocol.session = function (this: ProtocolInternals, channel, _initialWindow, maxPacket) {
    protocol.session = original;
    return original.call(this, channel, bytes, maxPacket);
  };
  return true;
}

/**
 * Keeps the server's credit on one channel at most `bound` bytes: tops it up to `bound` once half is used, and not at
 * all while paused (the server then stops within `bound` bytes). Call `consumed()` after each chunk is delivered and
 * `setPaused` from the session's pause and resume.
 */
export class BoundedChannelWindow {
  private paused = false;

  private constructor(
    private readonly protocol: ProtocolInternals,
    private readonly channel: ChannelInternals,
    private readonly bound: number,
    /** What the server may still send on this channel. */
    private credit: number,
  ) {}

  /**
   * Takes over the window of a channel opened after openNextChannelWithWindow(client, bound). Returns null when ssh2's
   * internals are not what this file knows (ssh2 then keeps managing its own window).
   */
  static install(client: object, channel: object, bound: number): BoundedChannelWindow | null {
    const protocol = protocolOf(client);
    if (!protocol || !isChannelInternals(channel)) return null;
    const incoming = channel.incoming;
    // ssh2 believes it granted this much (its 2 MiB, less whatever already arrived); the server was granted `bound`.
    const ssh2Believes = incoming.window;
    const window = new BoundedChannelWindow(protocol, channel, bound, bound);
    // Read by ssh2 as a count far above its top-up threshold, so only we grant window; ssh2 still subtracts every
    // data packet through the setter, which is how we learn what the server used.
    Object.defineProperty(incoming, 'window', {
      configurable: true,
      enumerable: true,
      get: () => window.credit + ssh2Believes,
      set: (value: number) => {
        window.credit = value - ssh2Believes;
      },
    });
    return window;
  }

  /** Bytes the server may still send (for tests and the bound's proof). */
  get remaining(): number {
    return this.credit;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.replenish();
  }

  /** A chunk reached the session's listeners: grant more if half the window is used and the session reads. */
  consumed(): void {
    this.replenish();
  }

  private replenish(): void {
    if (this.paused || this.channel.outgoing.state !== 'open' || this.credit > this.bound / 2) return;
    const amount = this.bound - Math.max(0, this.credit);
    this.credit += amount;
    this.protocol.channelWindowAdjust(this.channel.outgoing.id, amount);
  }
}
