/** The browser mode's data directory; the rule lives in main/core so the CLI finds the same database. */
export { defaultDataDir } from '../core/dataDirs';
