import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** The one EventBridge client of a function, created at module load. */
export const eventBridge = new EventBridgeClient({});
