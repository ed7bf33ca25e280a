/**
 * recordsTransfer/: pod records in and out as files, for Settings → Records and the `podterm` command line alike:
 * Podterm's own JSON and CSV, and the earlier web terminal's Django `dumpdata` JSON (or a CSV of its table) as it is,
 * each field mapped by name, every unmapped one reported, checked whole before one all-or-nothing write.
 */
export { exportRecords, importRecords, prepareImport, secretsSetBy, type ImportTarget } from './transfer';
export { describeProblem, toExportedRecord, type ExportedRecord } from './podtermFormat';
export { parseMappingOption } from './mapping';
