import { describe, expect, it } from "vitest";
import { toAccountView } from "../../core/accounts/index";
import { hasMessage, translate } from "../../core/shared/i18n";

const item = (lastError: { code: string } | null, extra: Record<string, unknown> = {}) => ({
  id: "a1",
  ownerId: "u1",
  email: "sales@example.com",
  imap: { host: "imap.example.com", port: 993, security: "tls", user: "sales@example.com" },
  state: "authenticationError",
  lastError,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...extra,
});

describe("an account's last error as the API shows it", () => {
  it.each([
    ["imap_auth_failed", "diag.auth_failed"],
    ["imap_tls_untrusted", "diag.tls_untrusted"],
    ["imap_tls_mismatch", "diag.tls_mismatch"],
    ["imap_connection_refused", "diag.connection_refused"],
    ["imap_timeout", "diag.timeout"],
    ["imap_throttled", "diag.throttled"],
    ["imap_failed", "diag.unknown"],
  ] as const)("reads a code stored before the diagnosis catalogue (%s) as today's %s, in plain words", (stored, current) => {
    // Act
    const view = toAccountView(item({ code: stored }), "ja");
    // Assess
    expect(hasMessage(stored)).toBe(false);
    expect(view.lastError).toEqual({ code: current, message: translate(current, "ja") });
    expect(view.lastError!.message).not.toBe(current);
  });

  it("shows a paused mailbox as paused, also when it was stored before the state existed", () => {
    expect(toAccountView(item({ code: "diag.auth_failed" }, { authFailures: 3 }), "en").state).toBe("paused");
    expect(toAccountView(item({ code: "diag.auth_failed" }, { authFailures: 1 }), "en").state).toBe("authenticationError");
  });
});
