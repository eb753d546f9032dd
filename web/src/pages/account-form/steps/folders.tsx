import { type ReactNode } from "react";
import { FormField } from "../../../components";
import { useI18n } from "../../../i18n";
import { folderLabel, isSent } from "../model";
import type { Folder } from "../../../api/types";
import type { FormCtx } from "./context";

/** Step 3's sending settings: aliases, Bcc to self, the copy in Sent and the Sent folder. */
export function SendingSection(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, set, clearFieldError, err, editing, setSaveSentTouched, folders, detectedSent, foldersBusy, foldersError, loadFolders } = props.ctx;
  return (
    <fieldset className="form__section">
      <legend className="form__legend">{t("accountForm.sectionSending")}</legend>
      <FormField label={t("accountForm.aliases")} error={err("aliases")} hint={t("accountForm.aliasesHint")} optional>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className="input textarea"
            rows={2}
            value={form.aliases}
            onChange={(e) => {
              set("aliases", e.target.value);
              clearFieldError("aliases");
            }}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            spellCheck={false}
            data-testid="account-aliases"
          />
        )}
      </FormField>
      <FormField label={t("accountForm.signature")} error={err("signature")} hint={t("accountForm.signatureHint")} optional>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className="input textarea"
            rows={3}
            value={form.signature}
            onChange={(e) => {
              set("signature", e.target.value);
              clearFieldError("signature");
            }}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            data-testid="account-signature"
          />
        )}
      </FormField>
      <div className="check-grid">
        <Check
          label={t("accountForm.bccSelf")}
          hint={t("accountForm.bccSelfHint")}
          checked={form.bccSelf}
          onChange={(v) => set("bccSelf", v)}
          error={err("bccSelf")}
          testId="account-bcc-self"
        />
        <Check
          label={t("accountForm.saveSentCopy")}
          hint={t("accountForm.saveSentCopyHint")}
          checked={form.saveSentCopy}
          onChange={(v) => {
            setSaveSentTouched();
            set("saveSentCopy", v);
          }}
          error={err("saveSentCopy")}
          testId="account-save-sent"
        />
      </div>
      <FolderPicker
        folders={folders}
        value={form.sentFolder}
        detected={detectedSent}
        error={err("sentFolder")}
        onChange={(v) => {
          set("sentFolder", v);
          clearFieldError("sentFolder");
        }}
        canLoad={editing}
        loading={foldersBusy}
        loadError={foldersError}
        onLoad={() => void loadFolders()}
      />
    </fieldset>
  );
}

/** Step 3's sync settings: on or off, how far back, and which folders. */
export function SyncSection(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, set, clearFieldError, err, folders, detectedSent } = props.ctx;
  return (
    <fieldset className="form__section">
      <legend className="form__legend">{t("accountForm.sectionSync")}</legend>
      <Check
        label={t("accountForm.syncEnabled")}
        hint={t("accountForm.syncEnabledHint")}
        checked={form.syncEnabled}
        onChange={(v) => {
          set("syncEnabled", v);
          clearFieldError("syncEnabled");
        }}
        error={err("syncEnabled")}
        testId="account-sync-enabled"
      />
      <FormField label={t("accountForm.initialSyncDays")} error={err("initialSyncDays")} hint={t("accountForm.initialSyncDaysHint")}>
        {({ id, describedBy, invalid }) => (
          <div className="input-unit">
            <input
              id={id}
              className="input input--short"
              inputMode="numeric"
              value={form.initialSyncDays}
              onChange={(e) => {
                set("initialSyncDays", e.target.value);
                clearFieldError("initialSyncDays");
              }}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              data-testid="account-initial-days"
            />
            <span className="input-unit__unit">{t("accountForm.initialSyncDaysUnit")}</span>
          </div>
        )}
      </FormField>
      <SyncFoldersPicker
        folders={folders}
        value={form.syncFolders}
        sentFolder={form.sentFolder || detectedSent}
        error={err("syncFolders")}
        onChange={(v) => {
          set("syncFolders", v);
          clearFieldError("syncFolders");
        }}
      />
    </fieldset>
  );
}

function Check(props: { label: string; hint?: string; checked: boolean; onChange: (v: boolean) => void; error?: string; testId: string }) {
  return (
    <label className="check">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} data-testid={props.testId} />
      <span className="check__text">
        <span className="check__label">{props.label}</span>
        {props.hint ? <span className="check__hint">{props.hint}</span> : null}
        {props.error ? <span className="field__error">{props.error}</span> : null}
      </span>
    </label>
  );
}

function FolderPicker(props: {
  folders: Folder[] | null;
  value: string;
  detected: string | null;
  error?: string;
  onChange: (v: string) => void;
  canLoad: boolean;
  loading: boolean;
  loadError: string | null;
  onLoad: () => void;
}) {
  const { t } = useI18n();
  const folders = props.folders ?? [];
  const known = folders.some((f) => f.path === props.value);
  const autoFolder = props.detected ?? folders.find(isSent)?.path ?? null;
  // A folder's name is the mail server's, not text to translate: it is marked translate="no"
  // where it stands apart (the hint), and options holding one are marked whole.
  const autoLabel = t("accountForm.sentFolderAuto");
  const hint: ReactNode = (
    <>
      {props.folders ? t("accountForm.sentFolderLoaded", { count: folders.length }) : t("accountForm.sentFolderHint")}
      {autoFolder && !props.value ? <> {withData(t("accountForm.sentFolderAutoDetected", { folder: DATA_SLOT }), labelOf(folders, autoFolder))}</> : null}
    </>
  );
  return (
    <FormField label={t("accountForm.sentFolder")} error={props.error ?? props.loadError ?? undefined} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <div className="input-row">
          <select
            id={id}
            className="input"
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            data-testid="account-sent-folder"
          >
            <option value="">{autoLabel}</option>
            {props.value && !known ? (
              <option value={props.value} translate="no">
                {props.value}
              </option>
            ) : null}
            {folders.map((f) => (
              <option key={f.path} value={f.path} data-special-use={f.specialUse ?? ""} translate="no">
                {isSent(f) ? t("accountForm.folderWithRole", { name: folderLabel(f), role: t("accountForm.folderSent") }) : folderLabel(f)}
              </option>
            ))}
          </select>
          {props.canLoad ? (
            <button type="button" className="btn" onClick={props.onLoad} disabled={props.loading} data-testid="account-load-folders">
              {props.loading ? t("accountForm.loadingFolders") : t("accountForm.loadFolders")}
            </button>
          ) : null}
        </div>
      )}
    </FormField>
  );
}

function labelOf(folders: Folder[], path: string): string {
  const f = folders.find((x) => x.path === path);
  return f ? folderLabel(f) : path;
}

function SyncFoldersPicker(props: { folders: Folder[] | null; value: string[] | null; sentFolder: string | null; error?: string; onChange: (v: string[] | null) => void }) {
  const { t } = useI18n();
  const folders = props.folders ?? [];
  const sent = props.sentFolder ?? folders.find(isSent)?.path ?? null;
  const defaults = ["INBOX", ...(sent ? [sent] : [])];
  const selected = props.value ?? defaults;
  const paths = [...folders.map((f) => f.path), ...selected.filter((p) => !folders.some((f) => f.path === p))];
  const toggle = (path: string, on: boolean) => {
    const next = on ? [...selected.filter((p) => p !== path), path] : selected.filter((p) => p !== path);
    props.onChange(next.length ? next : null);
  };
  return (
    <fieldset className="sync-folders" data-testid="account-sync-folders">
      <legend className="field__label">{t("accountForm.syncFolders")}</legend>
      {!props.folders ? (
        <p className="field__hint">
          {props.value ? <span translate="no">{props.value.join(", ")}</span> : t("accountForm.syncFoldersDefault")} · {t("accountForm.syncFoldersHint")}
        </p>
      ) : (
        <div className="folder-list">
          {paths.map((path) => {
            const f = folders.find((x) => x.path === path);
            const label = f ? folderLabel(f) : path;
            return (
              <label key={path} className="folder-list__item">
                <input type="checkbox" checked={selected.includes(path)} onChange={(e) => toggle(path, e.target.checked)} data-folder={path} />
                <span>
                  {path.toUpperCase() === "INBOX" ? (
                    withData(t("accountForm.folderWithRole", { name: DATA_SLOT, role: t("accountForm.folderInbox") }), label)
                  ) : (
                    <span translate="no">{label}</span>
                  )}
                </span>
                {f && isSent(f) ? <span className="tag">{t("accountForm.folderSent")}</span> : null}
              </label>
            );
          })}
        </div>
      )}
      {props.value ? (
        <button type="button" className="btn-link" onClick={() => props.onChange(null)}>
          {t("accountForm.syncFoldersReset")}
        </button>
      ) : null}
      {props.error ? <p className="field__error">{props.error}</p> : null}
    </fieldset>
  );
}

/** Stands for a server's value in a message, so that the value can be marked translate="no". */
const DATA_SLOT = "\u0000";

/** A message with the server's value (a folder name) in place of DATA_SLOT, the value marked as data. */
function withData(text: string, value: string): ReactNode {
  const [before, after = ""] = text.split(DATA_SLOT);
  return (
    <>
      {before}
      <span translate="no">{value}</span>
      {after}
    </>
  );
}
