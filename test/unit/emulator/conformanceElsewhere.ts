// Documented routes whose spec-conformance cases live in their own test files rather than in
// conformance.test.ts (which checks that every documented route has a case somewhere).

/** `METHOD /spec/path` keys whose cases are in orgTokens.test.ts. */
export const ORG_TOKENS_CONFORMANCE_ROUTES: readonly string[] = [
  'GET /v1/organizations/{organizationSlug}/members/{username}',
];
