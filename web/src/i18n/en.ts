// The English catalogue: it defines the keys. `t(key)` takes only these, so an unknown key fails
// the type-check. Add a key to the area's file under en/ first, then to the same file under ja/.
import { app } from "./en/app";
import { accounts } from "./en/accounts";
import { accountForm } from "./en/accountForm";
import { contacts } from "./en/contacts";
import { contactImport } from "./en/contactImport";
import { integrations } from "./en/integrations";
import { domains } from "./en/domains";
import { audit } from "./en/audit";
import { setup } from "./en/setup";
import { operations } from "./en/operations";
import { monitoring } from "./en/monitoring";
import { sending } from "./en/sending";
import { users } from "./en/users";
import { storedData } from "./en/storedData";
import { details } from "./en/details";

export const en = {
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

export type MessageKey = keyof typeof en;
