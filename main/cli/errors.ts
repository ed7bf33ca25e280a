/** Exit statuses and the one error type the CLI reports without a stack. */

export const EXIT_OK = 0;
/** A usage mistake, a file that does not validate, a record that cannot be read. */
export const EXIT_USAGE = 1;
/** Refused: a running Podterm holds the database. */
export const EXIT_REFUSED = 2;

/** A failure the CLI explains in one message (what is wrong and what to do) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
