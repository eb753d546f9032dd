/** Who may see which mail: the one rule (rule.ts) and the loader every read path uses (gate.ts). */
export * from "./rule";
export { SharingGate, contactsHolding } from "./gate";
export { markPartitions, countAccountCopies, deleteAccountCopies, deletePartition, purgeExcluded } from "./copies";
export { getExcludedDomains, setExcludedDomains, internalAddresses, loadStoragePolicy, type Storable } from "./policy";
