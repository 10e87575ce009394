// TEMPORARY in-process client until EVALUATOR_DONE allows the worker protocol change (not for commit).
import { proposeNext, surrogateView, type ProposeAnswer, type ProposeArgs, type SurrogateAnswer, type SurrogateArgs } from '../../src-worker/campaign/optimizer-service.ts';
export interface OptimizerClient {
  propose(args: ProposeArgs): Promise<ProposeAnswer>;
  surrogate(args: SurrogateArgs): Promise<SurrogateAnswer>;
  close(): Promise<void>;
}
export function createOptimizerClient(_entry: string | URL): OptimizerClient {
  return {
    propose: async (a) => { await new Promise((r) => setTimeout(r, 1)); return proposeNext(a); },
    surrogate: async (a) => surrogateView(a),
    close: async () => {},
  };
}
