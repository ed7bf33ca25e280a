/**
 * A kubeconfig pasted into a record, checked when the record is saved rather than first when it connects: it must
 * parse, define contexts, and hold the context the record would use (chosen as the chain's "pod's kubeconfig" method
 * chooses it, contextChoice.ts), complete with its cluster and user. Files it names are not read here.
 */
import { SecretScrubber } from '../../secrets';
import { chooseContext, ContextChoiceError, type ContextWish } from './contextChoice';
import { KubeconfigError, loadKubeconfigText } from './kubeconfigFiles';

/** How messages name it; the record form shows them under the kubeconfig box. */
const PASTED_KUBECONFIG_LABEL = 'the pasted kubeconfig';

/**
 * Why the record could not use this kubeconfig, or null when it can. The message is scrubbed of the kubeconfig's
 * credentials: a YAML error quotes the line it stopped at, which may be a token's.
 */
export function pastedKubeconfigProblem(text: string, wish: ContextWish): string | null {
  try {
    const loaded = loadKubeconfigText(text, PASTED_KUBECONFIG_LABEL, 'pasted');
    chooseContext(loaded, wish);
    return null;
  } catch (error) {
    if (error instanceof KubeconfigError || error instanceof ContextChoiceError) {
      return SecretScrubber.none.withKubeconfig(text).messageOf(error);
    }
    throw error;
  }
}
