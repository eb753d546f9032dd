// Small shared building blocks: fields, banners, badges, confirm dialog, notices, icons, the list table.
export * from "./fields";
export * from "./feedback";
export * from "./dialogs";
export * from "./modal";
export * from "./icons";
export * from "./language";
export * from "./data-table";
export * from "./raw-details";
export * from "./discard-guard";
