// The Japanese catalogue: each area's file is typed against its English one, and the whole
// against MessageKey, so a missing or extra key fails the type-check.
import type { MessageKey } from "./en";
import { app } from "./ja/app";
import { accounts } from "./ja/accounts";
import { accountForm } from "./ja/accountForm";
import { contacts } from "./ja/contacts";
import { contactImport } from "./ja/contactImport";
import { integrations } from "./ja/integrations";
import { domains } from "./ja/domains";
import { audit } from "./ja/audit";
import { setup } from "./ja/setup";
import { operations } from "./ja/operations";
import { monitoring } from "./ja/monitoring";
import { sending } from "./ja/sending";
import { users } from "./ja/users";
import { storedData } from "./ja/storedData";
import { details } from "./ja/details";

export const ja: Record<MessageKey, string> = {
  ...app,
  ...accounts,
  ...accountForm,
  ...contacts,
  ...contactImport,
  ...integrations,
  ...domains,
  ...audit,
  ...setup,
  ...operations,
  ...monitoring,
  ...sending,
  ...users,
  ...storedData,
  ...details,
};
