import { officePolicy } from '../shared/policies/office-policy.js';
import type { ReviseRequestDeps } from '../shared/use-cases/revise-request.js';
import { documentFilesFromEnv } from './documents-wiring.js';
import { mailerFromEnv } from './mail-wiring.js';
import { log } from './observability.js';
import { attachmentStoreFromEnv, clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from './wiring.js';

/** What revising a request's content needs (a revision, a 보완 answer): its stores, its documents' files, and mail for those newly copied. */
export function revisionDepsFromEnv(): ReviseRequestDeps {
  return {
    requests: requestStoreFromEnv(),
    directory: directoryFromEnv(),
    clock: clockFromEnv(),
    policy: officePolicy,
    fleet: fleetStoreFromEnv(),
    attachments: attachmentStoreFromEnv(),
    files: documentFilesFromEnv(),
    mailer: mailerFromEnv(),
    log: log.warn,
  };
}
