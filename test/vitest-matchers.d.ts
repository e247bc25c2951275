import type { CustomMatcher } from 'aws-sdk-client-mock-vitest';

// Types for the aws-sdk-client-mock matchers registered with expect.extend(allCustomMatcher).
declare module 'vitest' {
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
