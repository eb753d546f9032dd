/*
 * CRM Mail Sync admin console: session, header, hash routing.
 *
 * The data-testid attributes the browser tests rely on are listed in web/TEST-IDS.md.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, ApiError, setCsrfToken, setLanguage, setUnauthorizedHandler } from "./api";
import { ErrorBanner, LanguageSelect, Loading, NoticeProvider, PageHeader, errorText } from "./components";
import { I18nContext, type I18n, type Lang, initialLanguage, rememberLanguage, translate, useI18n } from "./i18n";
import { AccountFormPage } from "./pages/account-form/page";
import { OAUTH_CALLBACK_PATH, OAuthCallbackPage } from "./pages/oauth-callback/page";
import { AccountsPage } from "./pages/Accounts";
import { ContactPage } from "./pages/contact/page";
import { ContactImportPage } from "./pages/contact-import/page";
import { ContactsPage } from "./pages/Contacts";
import { SignInPage } from "./pages/SignIn";
import { UsersPage } from "./pages/users/page";
import { SetPasswordPage } from "./pages/users/set-password";
import { IntegrationsPage } from "./pages/integrations/page";
import { DomainsPage } from "./pages/domains/page";
import { StoredDataPage } from "./pages/stored-data/page";
import { AuditPage } from "./pages/audit/page";
import { SetupChecklist } from "./pages/setup/checklist";
import { OperationsSettingsPage } from "./pages/operations/page";
import { href, navigate, parseRoute, useHashPath, type Route } from "./router";
import type { SessionInfo, User } from "./api/types";
import { PasswordPage } from "./pages/Password";
import { OverviewPage } from "./pages/operations/overview";
import { MonitorSettingsPage } from "./pages/operations/monitor-settings";

type SessionState =
  { status: "loading" } | { status: "error"; error: unknown } | { status: "signedOut"; notice: "expired" | "signedOut" | null } | { status: "signedIn"; user: User };

export function App() {
  const [lang, setLangState] = useState<Lang>(() => {
    const initial = initialLanguage();
    setLanguage(initial);
    return initial;
  });

  const setLang = useCallback((next: Lang) => {
    setLanguage(next);
    rememberLanguage(next);
    setLangState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const i18n = useMemo<I18n>(() => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }), [lang, setLang]);

  return (
    <I18nContext.Provider value={i18n}>
      <Shell />
    </I18nContext.Provider>
  );
}

function Shell() {
  const { t } = useI18n();
  const path = useHashPath();
  const route = parseRoute(path);
  const [session, setSession] = useState<SessionState>({ status: "loading" });

  const applySession = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrfToken);
    setSession({ status: "signedIn", user: info.user });
  }, []);

  const loadSession = useCallback(async () => {
    setSession({ status: "loading" });
    try {
      applySession(await api.getSession());
    } catch (err) {
      setCsrfToken(null);
      if (err instanceof ApiError && err.status === 401) setSession({ status: "signedOut", notice: null });
      else setSession({ status: "error", error: err });
    }
  }, [applySession]);

  useEffect(() => {
    void loadSession();
  }, [loadSession]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setSession({ status: "signedOut", notice: "expired" });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  // Keep the address bar honest: signed out -> #/signin; signed in on #/signin -> the landing page.
  const landing = session.status === "signedIn" ? landingPath(session.user) : "/contacts";
  useEffect(() => {
    // a set-password link (#/reset/<token>) opens without a session
    if (session.status === "signedOut" && route.name !== "signin" && route.name !== "reset") navigate("/signin", { replace: true });
    if (session.status === "signedIn" && route.name === "signin") navigate(landing, { replace: true });
  }, [session.status, route.name, landing]);

  const pageTitle = titleFor(route, session.status === "signedIn");
  useEffect(() => {
    document.title = pageTitle ? `${t(pageTitle)} – ${t("app.name")}` : t("app.name");
  }, [pageTitle, t]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch {
      // Signed out locally either way; the cookie is HttpOnly and expires on its own.
    }
    setCsrfToken(null);
    setSession({ status: "signedOut", notice: "signedOut" });
  }, []);

  if (route.name === "reset") return <SetPasswordPage key={route.token} token={route.token} />;

  if (session.status === "loading") {
    return (
      <div className="boot">
        <Loading />
      </div>
    );
  }

  if (session.status === "error") {
    return (
      <div className="boot">
        <div className="boot__card">
          <ErrorBanner messages={[errorText(session.error, t)]} onRetry={() => void loadSession()} />
        </div>
      </div>
    );
  }

  if (session.status === "signedOut") {
    return (
      <SignInPage
        notice={session.notice === "expired" ? t("error.sessionExpired") : session.notice === "signedOut" ? t("signin.signedOut") : null}
        onSignedIn={(info) => {
          applySession(info);
          navigate(landingPath(info.user));
        }}
      />
    );
  }

  const user = session.user;
  return (
    // Keyed by user: notices from one session never show in the next.
    <NoticeProvider key={user.id}>
      <div className="layout">
        <Header user={user} route={route} onSignOut={() => void signOut()} />
        <main className="main" id="main">
          {/* the provider's way back after "Connect with Google / Microsoft" is a path, not a hash route */}
          {/* a temporary password from an admin: nothing but choosing a new one (the API refuses the rest meanwhile) */}
          {user.mustChangePassword ? (
            <PasswordPage forced onChanged={() => void api.getSession().then(applySession, () => undefined)} />
          ) : window.location.pathname === OAUTH_CALLBACK_PATH ? (
            <OAuthCallbackPage />
          ) : (
            <RouteView route={route} user={user} />
          )}
        </main>
        <footer className="footer">
          <a className="link" href={href("/stored-data")} data-testid="footer-stored-data">
            {t("storedData.link")}
          </a>
        </footer>
      </div>
    </NoticeProvider>
  );
}

function titleFor(route: Route, signedIn: boolean) {
  if (route.name === "reset") return "reset.title" as const;
  if (!signedIn) return "signin.title" as const;
  switch (route.name) {
    case "contacts":
    case "contact":
      return "nav.contacts" as const;
    case "contactsImport":
      return "import.title" as const;
    case "accounts":
    case "accountNew":
    case "accountEdit":
      return "nav.accounts" as const;
    case "users":
      return "nav.users" as const;
    case "domains":
      return "nav.domains" as const;
    case "audit":
      return "nav.audit" as const;
    case "password":
      return "password.title" as const;
    case "overview":
      return "nav.overview" as const;
    case "monitorSettings":
      return "monitor.title" as const;
    case "settings":
      return "ops.title" as const;
    case "storedData":
      return "storedData.title" as const;
    default:
      return null;
  }
}

function RouteView(props: { route: Route; user: User }) {
  const { t } = useI18n();
  const { route, user } = props;
  switch (route.name) {
    case "signin":
    case "contacts":
      // the first-run checklist above the contacts too (the admin's landing page is the overview) until it is done or hidden
      return (
        <>
          {user.role === "admin" ? <SetupChecklist /> : null}
          <ContactsPage />
        </>
      );
    case "contactsImport":
      return <ContactImportPage />;
    case "contact":
      return <ContactPage key={route.id} id={route.id} messageId={route.messageId} user={user} />;
    case "accounts":
      return <AccountsPage user={user} />;
    case "accountNew":
      return <AccountFormPage key="new" user={user} />;
    case "accountEdit":
      return <AccountFormPage key={route.id} user={user} id={route.id} />;
    case "users":
      return user.role === "admin" ? <UsersPage user={user} /> : <ErrorBanner messages={[t("error.forbidden")]} />;
    case "password":
      return <PasswordPage />;
    case "integrations":
      return user.role === "admin" ? <IntegrationsPage /> : <ErrorBanner messages={[t("error.forbidden")]} />;
    case "domains":
      return user.role === "admin" ? <DomainsPage /> : <ErrorBanner messages={[t("error.forbidden")]} />;
    case "audit":
      return user.role === "admin" ? <AuditPage /> : <ErrorBanner messages={[t("error.forbidden")]} />;
    case "overview":
      // admins land here: the first-run checklist above the overview too, until it is done or hidden
      return user.role === "admin" ? (
        <>
          <SetupChecklist />
          <OverviewPage />
        </>
      ) : (
        <ErrorBanner messages={[t("error.forbidden")]} />
      );
    case "monitorSettings":
      return user.role === "admin" ? <MonitorSettingsPage /> : <ErrorBanner messages={[t("error.forbidden")]} />;
    case "settings":
      return user.role === "admin" ? <OperationsSettingsPage /> : <ErrorBanner messages={[t("error.forbidden")]} />;
    case "storedData":
      return <StoredDataPage />;
    case "notFound":
      // a heading, not only a banner: every page has its level-one heading
      return <PageHeader title={t("error.notFound")} />;
  }
}

/** Where a user lands after signing in: admins on the overview of what needs them, everyone else on the contacts. */
function landingPath(user: User): string {
  return user.role === "admin" ? "/overview" : "/contacts";
}

function Header(props: { user: User; route: Route; onSignOut: () => void }) {
  const { t } = useI18n();
  const { user, route } = props;
  const section =
    route.name === "contact" || route.name === "contacts" || route.name === "contactsImport"
      ? "contacts"
      : route.name.startsWith("account")
        ? "accounts"
        : route.name === "users"
          ? "users"
          : route.name === "integrations"
            ? "integrations"
            : route.name === "domains"
              ? "domains"
              : route.name === "settings"
                ? "settings"
                : route.name === "audit"
                  ? "audit"
                  : route.name === "overview" || route.name === "monitorSettings"
                    ? "overview"
                    : null;
  const link = (name: "overview" | "contacts" | "accounts" | "users" | "domains" | "integrations" | "settings" | "audit", label: string) => (
    <a
      href={href(`/${name}`)}
      className={`nav__link${section === name ? " nav__link--active" : ""}`}
      aria-current={section === name ? "page" : undefined}
      data-testid={`nav-${name}`}
    >
      {label}
    </a>
  );
  return (
    <header className="header">
      <div className="header__inner">
        <a href={href("/contacts")} className="brand">
          <span className="brand__mark" aria-hidden="true">
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
              <rect x="3" y="5" width="18" height="14" rx="2" />
              <path d="m3 7 9 6 9-6" />
            </svg>
          </span>
          <span className="brand__name" translate="no">
            {t("app.name")}
          </span>
        </a>
        <nav className="nav" aria-label={t("nav.main")}>
          {user.role === "admin" ? link("overview", t("nav.overview")) : null}
          {link("contacts", t("nav.contacts"))}
          {link("accounts", t("nav.accounts"))}
          {user.role === "admin" ? link("users", t("nav.users")) : null}
          {user.role === "admin" ? link("domains", t("nav.domains")) : null}
          {user.role === "admin" ? link("integrations", t("nav.integrations")) : null}
          {user.role === "admin" ? link("settings", t("nav.settings")) : null}
          {user.role === "admin" ? link("audit", t("nav.audit")) : null}
        </nav>
        <div className="header__tools">
          <label className="lang">
            <span className="visually-hidden">{t("header.language")}</span>
            <LanguageSelect />
          </label>
          <a href={href("/password")} className="user-chip" title={t("header.changePassword")} data-testid="current-user">
            <span className="user-chip__avatar" aria-hidden="true" translate="no">
              {initials(user.name || user.email)}
            </span>
            <span className="user-chip__text">
              <span className="user-chip__name" translate="no">
                {user.name || user.email}
              </span>
              <span className="user-chip__role">{t(user.role === "admin" ? "role.admin" : "role.member")}</span>
            </span>
          </a>
          <button type="button" className="btn btn--ghost-dark btn--small" onClick={props.onSignOut} data-testid="signout">
            {t("header.signOut")}
          </button>
        </div>
      </div>
    </header>
  );
}

function initials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return "?";
  // Japanese names: first character of the family name reads well on its own.
  if (/[\u3040-\u30ff\u3400-\u9fff]/.test(trimmed[0] ?? "")) return trimmed[0] ?? "?";
  const parts = trimmed.split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts[parts.length - 1]?.[0] ?? ""}` : trimmed.slice(0, 2);
  return letters.toUpperCase();
}
