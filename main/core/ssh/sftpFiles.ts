/**
 * ssh2's SFTP channel as the files room's RemoteFileSystem. sshSession.ts opens the channel on the shell's own
 * connection (no second login) and hands it here; this file only adapts ssh2's callbacks, using ssh2's types alone.
 */
import type { SFTPWrapper, Stats } from 'ssh2';
import type { Readable, Writable } from 'node:stream';
import type { RemoteFileStat, RemoteFileSystem } from '../terminal';

/** SFTP status code 2: "no such file". */
const SFTP_NO_SUCH_FILE = 2;
/** The type bits of st_mode. */
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
/**
 * Bytes per SFTP read request of a download stream. OpenSSH's sftp-server answers reads of up to 256 KiB; ssh2's
 * default of 64 KiB costs four times as many round trips.
 */
const READ_CHUNK_BYTES = 256 * 1024;

function statOf(stats: Stats): RemoteFileStat {
  const type = stats.mode & S_IFMT;
  return {
    kind: type === S_IFDIR ? 'directory' : type === S_IFREG ? 'file' : type === S_IFLNK ? 'symlink' : 'other',
    size: stats.size,
    mode: stats.mode & 0o7777,
    atime: stats.atime,
    mtime: stats.mtime,
  };
}

function call<T>(run: (callback: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

/**
 * A cancelled stream is destroyed with reads or writes still out; their answers arrive later and the stream emits
 * 'error' again, after its reader stopped listening. Unheard, that throw runs up through ssh2's packet parser and ends
 * the whole connection, shell included. Readers still get every error through their own listeners.
 */
function quiet<T extends Readable | Writable>(stream: T): T {
  stream.on('error', () => undefined);
  return stream;
}

export function sftpFiles(sftp: SFTPWrapper): RemoteFileSystem {
  // ssh2 emits 'error' on the channel for a protocol problem (each request also fails with it); unheard, the throw
  // would end the whole SSH connection, shell included.
  sftp.on('error', () => undefined);
  return {
    realpath: (path) => call<string>((done) => sftp.realpath(path, done)),
    lstat: (path) =>
      new Promise((resolve, reject) =>
        sftp.lstat(path, (error, stats) => {
          if (!error) resolve(statOf(stats));
          else if ((error as Error & { code?: number }).code === SFTP_NO_SUCH_FILE) resolve(null);
          else reject(error);
        }),
      ),
    readdir: async (path) => {
      const entries = await call<Array<{ filename: string; attrs: Stats }>>((done) => sftp.readdir(path, done));
      return entries
        .filter((entry) => entry.filename !== '.' && entry.filename !== '..')
        .map((entry) => ({ name: entry.filename, stat: statOf(entry.attrs) }));
    },
    mkdir: (path, mode) => call<void>((done) => sftp.mkdir(path, { mode }, (error) => done(error, undefined))),
    createReadStream: (path): Readable => quiet(sftp.createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })),
    createWriteStream: (path, mode): Writable => quiet(sftp.createWriteStream(path, { flags: 'wx', mode })),
    rename: async (from, to) => {
      try {
        // ssh2 throws at once when the server did not announce the extension (OpenSSH always does).
        await call<void>((done) => sftp.ext_openssh_rename(from, to, (error) => done(error, undefined)));
        return;
      } catch (error) {
        // Without it, SFTP's plain rename refuses an existing target: remove that first.
        if (!/does not support/i.test(String(error))) throw error;
      }
      await call<void>((done) => sftp.unlink(to, () => done(undefined, undefined)));
      await call<void>((done) => sftp.rename(from, to, (error) => done(error, undefined)));
    },
    unlink: (path) => call<void>((done) => sftp.unlink(path, (error) => done(error, undefined))),
    rmdir: (path) => call<void>((done) => sftp.rmdir(path, (error) => done(error, undefined))),
    setModeAndTimes: (path, mode, atime, mtime) =>
      call<void>((done) => sftp.setstat(path, { mode, atime, mtime }, (error) => done(error, undefined))),
    close: () => sftp.end(),
  };
}
