/*
 * Where Google or Microsoft send the browser back after "Connect with ...": /oauth/callback
 * with `code` and `state` (or `error`). The page posts them to the API, which checks the state
 * against this session, exchanges the code and connects the mailbox, then opens the mailbox's
 * page. The query (which holds the one-time code) is removed from the address bar at once.
 */
import { useEffect, useRef, useState } from "react";
import { api } from "../../api";
import { ErrorBanner, Loading, PageHeader, errorText, useNotify } from "../../components";
import { useI18n } from "../../i18n";
import { href } from "../../router";

export const OAUTH_CALLBACK_PATH = "/oauth/callback";

export function OAuthCallbackPage() {
  const { t } = useI18n();
  const notify = useNotify();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // once, also under StrictMode's double effect: the state is single use
    if (started.current) return;
    started.current = true;
    const q = new URLSearchParams(window.location.search);
    window.history.replaceState(null, "", OAUTH_CALLBACK_PATH);
    const body = {
      state: q.get("state") ?? "",
      ...(q.get("code") ? { authorizationCode: q.get("code")! } : {}),
      ...(q.get("error") ? { error: q.get("error")! } : {}),
      ...(q.get("error_description") ? { errorDescription: q.get("error_description")! } : {}),
    };
    api.oauthCallback(body).then(
      (account) => {
        notify(t("accountForm.oauthConnectedNotice", { email: account.email }));
        // back to the console's own address: the hash router takes over from here
        window.history.replaceState(null, "", `/${href(`/accounts/${account.id}`)}`);
        window.dispatchEvent(new HashChangeEvent("hashchange"));
      },
      (err) => setError(errorText(err, t)),
    );
  }, [notify, t]);

  return (
    <div data-testid="oauth-callback">
      <PageHeader title={error ? t("accountForm.oauthCallbackFailed") : t("accountForm.oauthCallbackTitle")} />
      {error ? (
        <>
          <ErrorBanner messages={[error]} testId="oauth-callback-error" />
          <p>
            <a href={`/${href("/accounts/new")}`} data-testid="oauth-callback-retry">
              {t("accountForm.oauthTryAgain")}
            </a>
          </p>
        </>
      ) : (
        <Loading />
      )}
    </div>
  );
}
