/**
 * The optimizer off the main thread: a pool of exactly one worker thread that answers 'propose' and
 * 'surrogate' requests (src-worker/campaign/optimizer-service.ts). One thread, so the optimizer's memos (GP
 * fits, kernel factors) stay warm from one question to the next; requests queue behind each other.
 */
import { createPool, type WorkerPool } from './pool.ts';
import type { ProposeAnswer, ProposeArgs, SurrogateAnswer, SurrogateArgs } from '../../src-worker/campaign/optimizer-service.ts';

export interface OptimizerClient {
  propose(args: ProposeArgs): Promise<ProposeAnswer>;
  surrogate(args: SurrogateArgs): Promise<SurrogateAnswer>;
  close(): Promise<void>;
}

export function createOptimizerClient(entry: string | URL): OptimizerClient {
  const pool: WorkerPool = createPool({ entry, size: 1 });
  return {
    propose: (args) => pool.propose(args),
    surrogate: (args) => pool.surrogate(args),
    close: () => pool.close(),
  };
}
