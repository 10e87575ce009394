import { parentPort } from 'node:worker_threads';
parentPort?.on('message', (m) => parentPort?.postMessage(m));
