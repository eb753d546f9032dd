// What the page hands every step: the form's state and its changes, the field errors, and the
// page's other state the steps show. One object, so a step's props do not repeat the list.
import type { Dispatch, RefObject, SetStateAction } from "react";
import type { Account, AutodiscoverResult, ConnectionTestResult, Folder, ProviderId, ProviderView, Security, SharingMode, TestMailResult, User } from "../../../api/types";
import type { ShownDiagnosis, ShownStep } from "../../../types";
import type { FormState, ServerForm } from "../model";
import type { TestState } from "../use-tests";

export type Discovery =
  | { status: "idle" }
  | { status: "running"; email: string; domain: string }
  | { status: "done"; email: string; result: AutodiscoverResult }
  | { status: "error"; email: string; domain: string; message: string };

export interface FormCtx {
  form: FormState;
  set: <K extends keyof FormState>(key: K, value: FormState[K]) => void;
  /** The address changed: the IMAP user follows it until typed by hand. */
  changeEmail: (email: string) => void;
  setServer: (which: "imap" | "smtp", patch: Partial<ServerForm>) => void;
  changeSecurity: (which: "imap" | "smtp", security: Security) => void;
  /** The error shown under a field, by field key (model.ts fieldKey). */
  err: (path: string) => string | undefined;
  fieldErrors: Record<string, string>;
  clearFieldError: (...paths: string[]) => void;
  editing: boolean;
  account: Account | null;
  isAdmin: boolean;
  ownerChoices: User[];
  setUserTouched: () => void;
  setOwnerTouched: () => void;
  setSaveSentTouched: () => void;
  provider: ProviderView | null;
  providers: ProviderView[] | null;
  providersFailed: boolean;
  providerLabel: (id: ProviderId) => string;
  providerName: string;
  discovery: Discovery;
  detect: (email: string) => Promise<void>;
  chooseProvider: (id: ProviderId) => void;
  password: string;
  setPassword: (v: string) => void;
  setSaveFailure: (v: { diagnosis: ShownDiagnosis | null; steps: ShownStep[] | null } | null) => void;
  passwordLabel: string;
  advancedOpen: boolean;
  setAdvancedOpen: Dispatch<SetStateAction<boolean>>;
  smtpPassword: string;
  setSmtpPassword: (v: string) => void;
  /** A sharing mode wider than the saved one, offered to the mailbox's owner only. */
  tooWide: (mode: SharingMode) => boolean;
  mayWiden: boolean;
  baseMode: SharingMode;
  canTestMail: boolean;
  test: TestState<ConnectionTestResult>;
  mailTest: TestState<TestMailResult>;
  folders: Folder[] | null;
  detectedSent: string | null;
  foldersBusy: boolean;
  foldersError: string | null;
  loadFolders: () => Promise<void>;
  runTest: () => Promise<void>;
  runMailTest: () => Promise<void>;
  testKey: string;
  testResultRef: RefObject<HTMLElement | null>;
}
