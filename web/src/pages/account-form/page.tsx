/*
 * Add or edit a mailbox: 1. the address (autodiscovery) or a provider card, 2. sign-in
 * (password or app password, with the provider's steps), 3. advanced settings, 4. the
 * connection test. Saving runs the test on the server; a failure can still be saved disabled.
 * The state lives in ./model.ts (pure, unit-tested); each step is a file under ./steps.
 */
import { useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../../api";
import type { Account, AutodiscoverResult, ProviderId, SharingMode, User } from "../../api/types";
import { AccountStatusPanel, POLL_ACTIVE_MS, syncActive, useProviderLabel, useProviders } from "../../accountStatus";
import { DiagnosisBox, TestResults, diagnosisOfSaveError } from "../../connectionTest";
import { ErrorBanner, IconBack, Loading, PageHeader, errorText, useDiscardGuard, useNotify } from "../../components";
import { useLoad, usePolling, useSubmit } from "../../hooks";
import { useI18n } from "../../i18n";
import { href, navigate } from "../../router";
import { SkippedMessages } from "../../skippedMessages";
import { RecentRuns } from "../../recentRuns";
import type { AccountBody, ShownDiagnosis, ShownStep } from "../../types";
import {
  ADVANCED_FIELDS,
  SHARING_MODES,
  blankForm,
  domainOf,
  fieldKey,
  formReducer,
  fromAccount,
  labelListErrors,
  looksLikeEmail,
  sameConnection,
  settingsOf,
  type FormAction,
  type FormState,
  type ServerForm,
  type Touched,
} from "./model";
import type { Discovery, FormCtx } from "./steps/context";
import { AdvancedStep } from "./steps/advanced";
import { MailboxStep } from "./steps/mailbox";
import { SignInStep } from "./steps/sign-in";
import { TestPanel } from "./steps/test-panel";
import { useTests } from "./use-tests";

export function AccountFormPage(props: { user: User; id?: string }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const editing = props.id !== undefined;
  const isAdmin = props.user.role === "admin";
  const { providers, failed: providersFailed } = useProviders();
  const providerLabel = useProviderLabel(providers);

  const [form, dispatch] = useReducer(formReducer, props.user.id, blankForm);
  // Write-only secrets: kept only while the form is open, never loaded from the API.
  const [password, setPassword] = useState("");
  const [smtpPassword, setSmtpPassword] = useState("");
  const [touched, setTouched] = useState<Touched>({ user: editing, saveSent: editing, owner: editing });
  const [advancedOpen, setAdvancedOpen] = useState(editing);
  const [saveFailure, setSaveFailure] = useState<{ diagnosis: ShownDiagnosis | null; steps: ShownStep[] | null } | null>(null);
  const [discovery, setDiscovery] = useState<Discovery>({ status: "idle" });
  const discoveryAbort = useRef<AbortController | null>(null);
  const topRef = useRef<HTMLDivElement>(null);

  // ---- loading -------------------------------------------------------------------------

  // Loaded again when the language changes: server-side texts (lastError) follow it.
  const loaded = useLoad<Account | null>(() => (props.id ? api.getAccount(props.id) : Promise.resolve(null)), [props.id, lang]);
  const account = loaded.data;
  const setAccount = loaded.set;
  const loadedId = account?.id;
  useEffect(() => {
    // The form is filled once from the saved account; later reloads only refresh the status.
    if (account && loadedId) dispatch({ type: "load", form: fromAccount(account) });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when another account arrives
  }, [loadedId]);

  // The status card follows the sync while it runs (and the first sync's progress bar moves).
  usePolling(
    () => {
      if (props.id) api.getAccount(props.id).then(setAccount, () => undefined);
    },
    POLL_ACTIVE_MS,
    !!props.id && !!account && syncActive(account),
  );

  const users = useLoad<User[]>(() => (isAdmin ? api.listUsers().then((r) => r.items) : Promise.resolve([])), [isAdmin]).data ?? [];

  const provider = providers?.find((p) => p.id === form.provider) ?? null;
  // An address typed before the user list arrived still gives the mailbox to the person whose address it is.
  useEffect(() => {
    if (!editing && users.length && form.email) dispatch({ type: "email", email: form.email, username: provider?.username, touched, users });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the list arrives
  }, [users.length]);

  // ---- field helpers ---------------------------------------------------------------------

  const submit = useSubmit({
    fieldKey,
    mapFields: (fields) => labelListErrors(fields, settings),
    headline: (err) =>
      err instanceof ApiError && err.status === 400 && diagnosisOfSaveError(err.body, err.fields) ? t("accountForm.saveFailedTest") : errorText(err, t) || t("error.fixFields"),
  });
  const { clearFieldError } = submit;

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => dispatch({ type: "set", key, value } as FormAction);

  function setServer(which: "imap" | "smtp", patch: Partial<ServerForm>) {
    dispatch({ type: "server", which, patch });
    for (const k of Object.keys(patch)) clearFieldError(`${which}.${k}`);
  }

  /** Fills the servers from a preset card. */
  function chooseProvider(id: ProviderId) {
    clearFieldError("provider", "imap.host", "imap.port", "imap.security", "smtp.host", "smtp.port", "smtp.security");
    dispatch({ type: "provider", id, preset: providers?.find((p) => p.id === id), touched });
    if (id === "other") setAdvancedOpen(true);
  }

  /** Looks the address up: admin pin, preset, autoconfig, ISPDB, SRV, MX, guess. */
  async function detect(emailRaw: string) {
    const email = emailRaw.trim();
    if (!looksLikeEmail(email)) return;
    discoveryAbort.current?.abort();
    const controller = new AbortController();
    discoveryAbort.current = controller;
    const domain = domainOf(email);
    setDiscovery({ status: "running", email, domain });
    try {
      const result = await api.autodiscover(email, controller.signal);
      if (controller.signal.aborted) return;
      setDiscovery({ status: "done", email, result });
      applyDiscovery(result);
    } catch (err) {
      if (controller.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
      setDiscovery({ status: "error", email, domain, message: errorText(err, t) });
      setAdvancedOpen(true);
    }
  }

  function applyDiscovery(result: AutodiscoverResult) {
    dispatch({ type: "discovered", result, preset: providers?.find((p) => p.id === result.provider), touched });
    if (!result.imap) setAdvancedOpen(true);
    clearFieldError("imap.host", "imap.port", "imap.security", "imap.user", "smtp.host", "smtp.port", "smtp.security");
  }

  // ---- what is sent ----------------------------------------------------------------------

  const settings = useMemo(() => settingsOf(form), [form]);
  // What the form held before the user typed: a new blank form, or the saved mailbox.
  const untouched = useMemo(() => JSON.stringify(account ? fromAccount(account) : blankForm(props.user.id)), [account, props.user.id]);
  const discard = useDiscardGuard(!submit.busy && (password !== "" || smtpPassword !== "" || JSON.stringify(form) !== untouched));
  const leave = (e: { preventDefault: () => void }) => {
    e.preventDefault();
    discard.guard(() => navigate("/accounts"));
  };
  const smtpSecret = smtpPassword && !form.sameCredentials ? smtpPassword : undefined;
  // What a test result was made from: a later change marks it as stale.
  const testKey = JSON.stringify([settings.imap, settings.smtp, settings.allowInsecureCerts, password, smtpPassword]);
  const tests = useTests({
    id: props.id,
    settings,
    password,
    smtpPassword: smtpSecret,
    useSaved: editing && !!account && sameConnection(settings, account),
    editing,
    testKey,
    onBlocked: (needsHost) => needsHost && setAdvancedOpen(true),
    onPassed: () => {
      setSaveFailure(null);
      submit.setErrors([]);
    },
  });

  // ---- save ------------------------------------------------------------------------------

  async function save(options: { disabled?: boolean } = {}) {
    if (!options.disabled) setSaveFailure(null);
    const secrets = { ...(password ? { password } : {}), ...(smtpSecret ? { smtpPassword: smtpSecret } : {}) };
    const extra = options.disabled ? { saveDisabledOnFailure: true } : {};
    const outcome = await submit.run(() => {
      if (editing && props.id) {
        // An admin may give the mailbox to another user (sent only when changed). PATCH keeps
        // the saved folder list when none is sent: "back to the default" is sent as that default.
        const sent = form.sentFolder || tests.detectedSent || account?.sentFolder;
        const folders = form.syncFolders === null && account?.syncFolders && sent ? { syncFolders: ["INBOX", sent] } : {};
        const owner = isAdmin && account && form.ownerId !== account.ownerId ? { ownerId: form.ownerId } : {};
        return api.updateAccount(props.id, { ...settings, ...folders, ...secrets, ...extra, ...owner });
      }
      const input: AccountBody = {
        ...settings,
        ...(isAdmin && form.ownerId !== props.user.id ? { ownerId: form.ownerId } : {}),
        password,
        ...(secrets.smtpPassword ? { smtpPassword: secrets.smtpPassword } : {}),
        ...extra,
      };
      return api.createAccount(input);
    });
    if (outcome.ok) {
      const saved = outcome.value;
      if (options.disabled && !saved.syncEnabled) notify(t("accountForm.savedDisabled", { email: saved.email }), "info");
      else notify(t(editing ? "accountForm.saved" : "accountForm.created", { email: saved.email }));
      setPassword("");
      setSmtpPassword("");
      discard.release();
      navigate(editing ? "/accounts" : `/accounts/${encodeURIComponent(saved.id)}`);
      return;
    }
    if (outcome.skipped) return;
    const err = outcome.error;
    const shownAt = err instanceof ApiError ? err.fields.map((f) => fieldKey(f.field)) : [];
    if (shownAt.some((k) => k !== null && ADVANCED_FIELDS.has(k))) setAdvancedOpen(true);
    setSaveFailure(err instanceof ApiError && err.status === 400 ? diagnosisOfSaveError(err.body, err.fields) : null);
    window.setTimeout(() => topRef.current?.scrollIntoView({ block: "start", behavior: "smooth" }), 30);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void save();
  }

  // ---- rendering -------------------------------------------------------------------------

  const back = (
    <a className="back-link" href={href("/accounts")} onClick={leave}>
      <IconBack />
      {t("accountForm.back")}
    </a>
  );

  if (editing && loaded.status === "error" && !account) {
    const notFound = loaded.error instanceof ApiError && loaded.error.status === 404;
    return (
      <>
        <PageHeader title={t("accountForm.titleEdit")} back={back} />
        <ErrorBanner messages={[notFound ? t("accountForm.notFound") : errorText(loaded.error, t)]} />
      </>
    );
  }
  if (editing && !account) {
    return (
      <>
        <PageHeader title={t("accountForm.titleEdit")} back={back} />
        <Loading />
      </>
    );
  }

  // Only a mailbox's owner may widen its sharing (the server refuses it to anyone else, admins
  // included): modes wider than the saved one (a new mailbox starts private) are offered to the owner only.
  const sharingOwner = editing ? account?.ownerId : form.ownerId;
  // A refused save's field messages repeat the diagnosis shown at its step: the field only points there.
  const fieldErrors = saveFailure?.steps?.length ? Object.fromEntries(Object.keys(submit.fieldErrors).map((k) => [k, t("accountForm.seeDiagnosis")])) : submit.fieldErrors;
  const mayWiden = sharingOwner === props.user.id;
  const baseMode: SharingMode = editing ? (account?.sharing.mode ?? "private") : "private";
  const providerName = providerLabel(form.provider);
  const ctx: FormCtx = {
    form,
    set,
    changeEmail: (email) => dispatch({ type: "email", email, username: provider?.username, touched, users: isAdmin && !editing ? users : undefined }),
    setServer,
    changeSecurity: (which, security) => {
      dispatch({ type: "security", which, security });
      clearFieldError(`${which}.security`);
    },
    err: (path) => fieldErrors[path],
    fieldErrors,
    clearFieldError,
    editing,
    account,
    isAdmin,
    ownerChoices: isAdmin ? (users.length ? users : [props.user]) : [],
    setUserTouched: () => setTouched((x) => ({ ...x, user: true })),
    setOwnerTouched: () => setTouched((x) => ({ ...x, owner: true })),
    setSaveSentTouched: () => setTouched((x) => ({ ...x, saveSent: true })),
    provider,
    providers,
    providersFailed,
    providerLabel,
    providerName,
    discovery,
    detect,
    chooseProvider,
    password,
    setPassword,
    setSaveFailure,
    passwordLabel: provider?.auth === "app_password" ? t("accountForm.appPassword") : t("accountForm.password"),
    advancedOpen,
    setAdvancedOpen,
    smtpPassword,
    setSmtpPassword,
    tooWide: (mode) => !mayWiden && SHARING_MODES.indexOf(mode) > SHARING_MODES.indexOf(baseMode),
    mayWiden,
    baseMode,
    canTestMail: editing && !!account?.smtp,
    ...tests,
    testKey,
  };

  return (
    <div className="account-page" ref={topRef}>
      <PageHeader
        title={editing ? t("accountForm.titleEdit") : t("accountForm.titleNew")}
        subtitle={account ? <span data-testid="account-form-subtitle">{account.email}</span> : undefined}
        back={back}
      />

      {account ? <AccountStatusPanel account={account} onChanged={setAccount} /> : null}
      {account ? <RecentRuns accountId={account.id} refreshKey={`${account.lastJob?.jobId}:${account.lastJob?.status}`} /> : null}
      {account ? <SkippedMessages accountId={account.id} refreshKey={account.lastSyncAt} /> : null}

      <ErrorBanner messages={submit.errors} testId="account-form-error" />
      {saveFailure ? (
        <div className="card save-failure" data-testid="account-save-failure">
          {/* said once: at the failing step when the steps came back, else on its own */}
          {saveFailure.diagnosis && !saveFailure.steps?.length ? <DiagnosisBox diagnosis={saveFailure.diagnosis} providerLabel={providerName} testId="save-diagnosis" /> : null}
          {saveFailure.steps?.length ? (
            <TestResults
              kind="connection"
              result={{ ok: false, steps: saveFailure.steps }}
              providerLabel={providerName}
              testId="save-test-result"
              diagnosisTestId="save-diagnosis"
            />
          ) : null}
          <div className="save-failure__actions">
            <p className="muted">{t("accountForm.saveDisabledHint")}</p>
            <button type="button" className="btn" onClick={() => void save({ disabled: true })} disabled={submit.busy} data-testid="account-save-disabled">
              {t("accountForm.saveDisabled")}
            </button>
          </div>
        </div>
      ) : null}

      <div className="account-layout">
        <form className="form account-form__form" onSubmit={onSubmit} noValidate autoComplete="off">
          <MailboxStep ctx={ctx} />
          <SignInStep ctx={ctx} />
          <AdvancedStep ctx={ctx} />
          <div className="form__actions form__actions--bar">
            <a className="btn" href={href("/accounts")} onClick={leave} data-testid="account-cancel">
              {t("common.cancel")}
            </a>
            <button type="submit" className="btn btn--primary" disabled={submit.busy} data-testid="account-save">
              {submit.busy ? t("accountForm.savingTesting") : editing ? t("common.save") : t("accountForm.saveAdd")}
            </button>
          </div>
          <p className="field__hint">
            {/* a new tab: following it here would leave the form and lose what was typed */}
            <a className="link" href={href("/stored-data")} target="_blank" rel="noopener noreferrer" data-testid="account-stored-data">
              {t("storedData.formLink")}
            </a>
          </p>
        </form>
        <aside className="account-layout__side">
          <TestPanel ctx={ctx} />
        </aside>
      </div>
      {discard.dialog}
    </div>
  );
}
