// Step 4's state: the connection test, the test mail, and the mailbox's folders (which the
// connection test also answers, for the Sent-folder and sync-folder pickers).
import { useRef, useState } from "react";
import { api, ApiError } from "../../api";
import type { ConnectionTestResult, Folder, TestMailResult } from "../../api/types";
import { errorText } from "../../components";
import { useI18n } from "../../i18n";
import type { AccountSettings } from "../../types";
import { normaliseFolders, testBlocker } from "./model";

export type TestState<T> = { status: "idle" } | { status: "running" } | { status: "done"; result: T; key: string } | { status: "error"; message: string; unavailable?: boolean };

const routeMissing = (err: unknown) => err instanceof ApiError && err.status === 404 && err.code === "route_not_found";

export function useTests(props: {
  /** The saved account's id, when editing. */
  id: string | undefined;
  settings: AccountSettings;
  password: string;
  /** Sent only when SMTP has its own login. */
  smtpPassword: string | undefined;
  /** The form's servers are still the saved account's: test with its saved password. */
  useSaved: boolean;
  editing: boolean;
  /** What a result was made from: a later change marks it as stale. */
  testKey: string;
  onBlocked: (needsHost: boolean) => void;
  onPassed: () => void;
}) {
  const { t } = useI18n();
  const [test, setTest] = useState<TestState<ConnectionTestResult>>({ status: "idle" });
  const [mailTest, setMailTest] = useState<TestState<TestMailResult>>({ status: "idle" });
  const [folders, setFolders] = useState<Folder[] | null>(null);
  const [detectedSent, setDetectedSent] = useState<string | null>(null);
  const [foldersBusy, setFoldersBusy] = useState(false);
  const [foldersError, setFoldersError] = useState<string | null>(null);
  const testResultRef = useRef<HTMLElement>(null);

  async function runTest() {
    const { id, settings, password, smtpPassword, useSaved, editing, testKey } = props;
    const blocked = testBlocker(settings, { useSaved: useSaved && !!id, password, editing });
    if (blocked) {
      setTest({ status: "error", message: t(blocked) });
      props.onBlocked(blocked === "accountForm.testNeedsHost");
      return;
    }
    setTest({ status: "running" });
    try {
      const smtpSecret = smtpPassword ? { smtpPassword } : {};
      const result =
        useSaved && id
          ? await api.testAccount(id, { ...(password ? { password } : {}), ...smtpSecret })
          : await api.testSettings({
              email: settings.email || undefined,
              provider: settings.provider,
              imap: settings.imap,
              smtp: settings.smtp,
              allowInsecureCerts: settings.allowInsecureCerts,
              password,
              ...smtpSecret,
            });
      setTest({ status: "done", result, key: testKey });
      if (result.ok) props.onPassed();
      if (result.folders?.length) setFolders(normaliseFolders(result.folders));
      if (result.sentFolder !== undefined) setDetectedSent(result.sentFolder ?? null);
    } catch (err) {
      const unavailable = routeMissing(err);
      const fields = err instanceof ApiError ? err.fields : [];
      setTest({ status: "error", message: unavailable ? t("accountForm.testUnavailable") : [errorText(err, t), ...fields.map((f) => f.message)].join(" "), unavailable });
    }
    window.setTimeout(() => testResultRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }), 50);
  }

  async function runMailTest() {
    if (!props.id) return;
    setMailTest({ status: "running" });
    try {
      const result = await api.sendTestMail(props.id);
      setMailTest({ status: "done", result, key: props.testKey });
    } catch (err) {
      const unavailable = routeMissing(err);
      setMailTest({ status: "error", message: unavailable ? t("accountForm.testUnavailable") : errorText(err, t), unavailable });
    }
  }

  async function loadFolders() {
    if (!props.id) return;
    setFoldersBusy(true);
    setFoldersError(null);
    try {
      const res = await api.listFolders(props.id);
      setFolders(normaliseFolders(res));
      if (res.sentFolder !== undefined) setDetectedSent(res.sentFolder);
    } catch (err) {
      setFoldersError(errorText(err, t));
    } finally {
      setFoldersBusy(false);
    }
  }

  return { test, mailTest, folders, detectedSent, foldersBusy, foldersError, testResultRef, runTest, runMailTest, loadFolders };
}
