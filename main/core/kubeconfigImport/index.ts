/**
 * kubeconfigImport/: validating dropped or picked kubeconfig files (validate.ts) and storing each chosen context as an
 * imported kubeconfig (importer.ts), for `kubeconfigs.preview` and `kubeconfigs.import`.
 */
export { createKubeconfigImporter, type KubeconfigImporter, type KubeconfigImporterOptions } from './importer';
