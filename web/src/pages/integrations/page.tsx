import { useState } from "react";
import { api } from "../../api";
import type { ApiKey } from "../../api";
import { ConfirmDialog, ErrorBanner, Loading, PageHeader, errorText, useNotify } from "../../components";
import { useLoad, useSubmit } from "../../hooks";
import { useI18n } from "../../i18n";
import { ApiKeysTable, NewKeyForm, ShownKey } from "./api-keys";
import { WebhooksSection } from "./webhooks";

/** Admins: the CRM's API keys (created here, shown once, revoked here) and its webhook endpoints. */
export function IntegrationsPage() {
  const { t } = useI18n();
  const notify = useNotify();
  const loaded = useLoad(() => Promise.all([api.listApiKeys(), api.listUsers()]).then(([k, u]) => ({ keys: k.items, users: u.items })), []);
  const keys = loaded.data?.keys ?? null;
  const users = loaded.data?.users ?? [];
  const setKeys = (update: (list: ApiKey[]) => ApiKey[]) => loaded.set((latest) => ({ keys: update(latest?.keys ?? []), users: latest?.users ?? [] }));
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);
  const revoking = useSubmit();
  const [shownKey, setShownKey] = useState<string | null>(null);

  async function confirmRevoke() {
    if (!toRevoke) return;
    const outcome = await revoking.run(() => api.revokeApiKey(toRevoke.id));
    if (!outcome.ok) return;
    const revoked = outcome.value;
    setKeys((list) => list.map((k) => (k.id === revoked.id ? revoked : k)));
    notify(t("integrations.revokedNotice", { name: revoked.name }));
    setToRevoke(null);
  }

  return (
    <>
      <PageHeader title={t("integrations.title")} subtitle={t("integrations.subtitle")} />
      <div className="split">
        <section className="split__main">
          {loaded.status === "error" ? <ErrorBanner messages={[errorText(loaded.error, t)]} onRetry={loaded.reload} /> : null}
          {loaded.status === "loading" && keys === null ? <Loading /> : null}
          {shownKey ? <ShownKey value={shownKey} onDone={() => setShownKey(null)} /> : null}
          {keys !== null ? <ApiKeysTable keys={keys} users={users} onRevoke={setToRevoke} /> : null}
          {keys !== null ? <WebhooksSection users={users} /> : null}
        </section>
        <aside className="split__side">
          <NewKeyForm
            users={users}
            onCreated={(created) => {
              const { key, ...listed } = created;
              setKeys((list) => [listed, ...list]);
              setShownKey(key);
            }}
          />
        </aside>
      </div>
      {toRevoke ? (
        <ConfirmDialog
          title={t("integrations.revokeTitle")}
          body={t("integrations.revokeBody", { name: toRevoke.name })}
          confirmLabel={t("integrations.revoke")}
          busy={revoking.busy}
          error={revoking.errors[0] ?? null}
          onConfirm={() => void confirmRevoke()}
          onCancel={() => {
            setToRevoke(null);
            revoking.setErrors([]);
          }}
        />
      ) : null}
    </>
  );
}
