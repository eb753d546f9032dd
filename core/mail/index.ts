/**
 * The mail layer: everything that reaches or describes a mail server, below accounts, sync,
 * sending and messages (none of which it imports). Host policy (which addresses may be
 * reached), one way to open IMAP (openImap) and one SMTP transport factory, the diagnosis of
 * what went wrong, folders (selectable, Sent detection), the protocol probe (our own first
 * bytes on a port), MIME preview decoding and the one provider table.
 */
export * from "./host-policy";
export * from "./mail-server";
export * from "./imap-connection";
export * from "./smtp";
export * from "./mailer";
export * from "./diagnosis";
export * from "./folders";
export * from "./protocol-probe";
export * from "./mime-preview";
export * from "./providers";
export * from "./provider-view";
