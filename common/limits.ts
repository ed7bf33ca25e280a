/**
 * Every size and count limit on what the page sends, declared once. The contract's schemas, the renderer and the
 * browser-mode server all read these, so nothing the page may send is over a limit the server enforces: the page
 * refuses (with a message naming the limit) before it sends, and the server refuses what a page could not have sent.
 */

/** 1 MiB, the unit the limits below are stated in. */
const MIB = 1024 * 1024;

/**
 * The largest WebSocket message the browser-mode server accepts from a page; a bigger one costs the sender its own
 * connection (close code 1009), never the server. The page's transport refuses to send a request over it.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 8 * MIB;

/** Kubeconfigs of a few clusters are a few KiB; 1 MiB leaves room for embedded certificates without inviting abuse. */
export const MAX_KUBECONFIG_BYTES = 1 * MIB;

/** Dropping a whole ~/.kube folder is a handful of files; more in one go is a mistake, not a workflow. */
export const MAX_IMPORT_FILES = 20;

/**
 * The files of one kubeconfig preview or import together, as JSON-encoded text (what they weigh in the message). Half
 * of MAX_CLIENT_MESSAGE_BYTES, so the file names and the chosen context names always fit beside them. Several 1 MiB
 * files are more than fit; the page says which ones to import in a second go.
 */
export const MAX_IMPORT_REQUEST_TEXT_BYTES = MAX_CLIENT_MESSAGE_BYTES / 2;

/** One paste or keystroke batch; larger pastes are split by the renderer. Even all-escaped JSON stays under 2 MiB. */
export const MAX_INPUT_CHARS = 256 * 1024;

/**
 * TCP connections the browser-mode server holds at once (pages, their WebSockets, keep-alive requests). One user needs
 * a few; the bound keeps a local process from exhausting file descriptors.
 */
export const MAX_WEB_CONNECTIONS = 256;

/**
 * Connections that have not yet finished sending their request headers (a slow or idle stranger). Past this many the
 * oldest is dropped, so a flood of half-open connections cannot keep the page out.
 */
export const MAX_PENDING_CONNECTIONS = 32;

/**
 * WebSockets accepted but not yet logged in (the first message must be the login). Past this many the oldest is
 * closed, for the same reason.
 */
export const MAX_PENDING_LOGINS = 8;

/** A WebSocket that has not logged in this long after it opened is closed: a page logs in within milliseconds. */
export const LOGIN_TIMEOUT_MS = 10_000;

/** Logged-in WebSockets at once: one per open page of the app; far more than anyone opens. */
export const MAX_LOGGED_IN_SOCKETS = 32;

/**
 * Request headers, cookies included. Larger than Node's 16 KiB default on purpose: a page on another 127.0.0.1 port can
 * plant cookies for 127.0.0.1 (cookies ignore ports), and Chromium sends up to 180 of 4 KiB each; with the default, a
 * few planted cookies would make every request of ours fail with 431.
 */
export const MAX_REQUEST_HEADER_BYTES = 1 * MIB;

/**
 * Records one `pods.list` may be asked for by id: a podsChanged event names the few a connection or Refresh touched;
 * more than this and a sidebar reads the whole list instead.
 */
export const MAX_PODS_LIST_IDS = 500;

/**
 * One records file (an export, a `dumpdata` file) as JSON-encoded text in a preview or import request: half of
 * MAX_CLIENT_MESSAGE_BYTES, so the mapping and the corrections always fit beside it. Thousands of records with their
 * kubeconfigs fit; a bigger file is imported with the command line (`podterm pods import`), which has no message limit.
 */
export const MAX_RECORDS_FILE_BYTES = MAX_CLIENT_MESSAGE_BYTES / 2;

/**
 * How many records Refresh all looks up at once. Each lookup may wait on a silent API server for its 2.5 s reach
 * deadline, so a few in parallel cut a long list's time several-fold; more would open that many connections to the
 * same API server at once and slow the app's own sessions, for little gain on two cores.
 */
export const REFRESH_ALL_PARALLEL_LOOKUPS = 4;

/** Linux's PATH_MAX: no local or remote path a file transfer names is longer. */
export const MAX_TRANSFER_PATH_CHARS = 4096;

/** Items dropped on a tab in one go (each may be a folder of any size); more is a mistake, not a workflow. */
export const MAX_DROPPED_ITEMS = 256;

/**
 * Namespaces one window follows live at once (clusters.watchPods): each is a watch held open on the API server, and a
 * person reads a handful; a page asking for more is refused with this number.
 */
export const MAX_POD_WATCHES_PER_WINDOW = 32;
