/**
 * OAuth2 sign-in for Google and Microsoft 365 mailboxes: the configured providers, the
 * authorization-code flow with PKCE that connects a mailbox, the in-memory access tokens
 * (refreshed once for all callers, rotated refresh tokens saved), and the pause when a grant
 * ends. Above accounts (which stores the grant's mailbox), below sync, messages and the API.
 */
export * from "./providers";
export { requestTokens, addressFromIdToken, oauthErrorCode, TokenEndpointError, type TokenSet } from "./token-endpoint";
export { accessTokens, AccessTokenCache, REFRESH_MARGIN_MS, type TokenDeps, type TokenAccount } from "./access-tokens";
export { startSignIn, completeSignIn, STATE_TTL_SECONDS, SIGN_IN_START_LIMIT, type SignInDeps, type SignInSession, type CallbackInput } from "./sign-in";
export { readGrant, saveRotatedGrant } from "./rotation";
export { markReconnectNeeded, tellReconnectNeeded, mailSecretsFor, RECONNECT_CODE, type ReconnectDeps } from "./reconnect";
