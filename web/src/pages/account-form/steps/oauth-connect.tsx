import { useState } from "react";
import { api } from "../../../api";
import type { Account, OAuthProvider } from "../../../api/types";
import { ErrorBanner, errorText } from "../../../components";
import { useLoad } from "../../../hooks";
import { useI18n } from "../../../i18n";

/**
 * "Connect with Google" / "Connect with Microsoft": one button per provider this server is set
 * up for (none when none is). A click starts the sign-in on the server and sends the browser to
 * the provider, which sends it back to /oauth/callback (pages/oauth-callback). On a saved
 * mailbox the button reconnects it (same address): its mail and place in each folder are kept.
 */
export function OAuthConnect(props: { account: Account | null; email: string }) {
  const { t } = useI18n();
  const providers =
    useLoad<OAuthProvider[]>(
      () =>
        api.oauthProviders().then(
          (r) => r.items,
          () => [],
        ),
      [],
    ).data ?? [];
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const account = props.account;
  const shown = account?.authMethod === "oauth2" ? providers.filter((p) => p.id === account.oauthProvider) : providers;
  if (!shown.length) return null;

  async function connect(provider: OAuthProvider) {
    setBusy(true);
    setError(null);
    try {
      const hint = (account?.email ?? props.email).trim();
      const { authorizeUrl } = await api.oauthStart(provider.id, { ...(account ? { accountId: account.id } : {}), ...(hint ? { loginHint: hint } : {}) });
      window.location.assign(authorizeUrl);
    } catch (err) {
      setError(errorText(err, t));
      setBusy(false);
    }
  }

  return (
    <div className="oauth-connect" data-testid="oauth-connect">
      {account?.authMethod === "oauth2" ? <p data-testid="oauth-connected">{t("accountForm.oauthConnected", { provider: shown[0]!.label })}</p> : null}
      <div className="oauth-connect__buttons">
        {shown.map((p) => (
          <button key={p.id} type="button" className="btn btn--primary" disabled={busy} onClick={() => void connect(p)} data-testid={`oauth-connect-${p.id}`}>
            {t(account ? "accountForm.oauthReconnect" : "accountForm.oauthConnect", { provider: p.label })}
          </button>
        ))}
      </div>
      <p className="field__hint">{account?.authMethod === "oauth2" ? t("accountForm.oauthSwitchHint") : t("accountForm.oauthOr")}</p>
      {error ? <ErrorBanner messages={[error]} testId="oauth-connect-error" /> : null}
    </div>
  );
}
