/** Who may see which mail: the one rule (rule.ts) and the loader every read path uses (gate.ts). */
export * from "./rule";
export { SharingGate, contactsHolding } from "./gate";
