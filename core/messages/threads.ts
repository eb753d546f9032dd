/**
 * Conversations, joined at read time.
 *
 * A reply names its ancestors in References / In-Reply-To, but not always all of them: many
 * clients list only the parent, and the copies of one conversation reach the store in any
 * order and from several mailboxes. So no write can know a message's conversation for good:
 * each copy keeps the digests of the ids it names (`threadRefs`), and the messages being
 * shown are joined here through every id any of them names (a union-find), so A <- B <- C
 * is one conversation even when C lists only B.
 *
 * Pure and free of imports: the API joins one page with it, and the console joins the pages
 * it has loaded with the same function, so a conversation split by a page boundary is one.
 */

/** What joining needs of one message. */
export interface ThreadNode {
  /** When it was written (ISO): the earliest message of a conversation names it. */
  date: string;
  /** The conversation key stored with the message (its first ancestor it knows, else itself). */
  threadKey: string;
  /** Digests of the ids it is joined through: its own Message-ID and the ids it refers to. */
  links?: readonly string[];
}

/**
 * Each node's conversation id, in the order given. Nodes sharing any key (threadKey or link)
 * are one conversation; its id is the threadKey of its earliest message (ties: the smallest
 * threadKey), i.e. the root that message knew, which is what every full-chain reply also
 * stores, so the id stays the same as more of the conversation arrives. Items without links
 * (stored before links existed) join by their threadKey alone, as they always did.
 */
export function joinThreads(nodes: readonly ThreadNode[]): string[] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) {
      const up = parent.get(root);
      if (up === undefined) {
        parent.set(root, root);
        break;
      }
      root = up;
    }
    // path compression: the next find of any key on the way is one step
    for (let k = key; k !== root;) {
      const up = parent.get(k)!;
      parent.set(k, root);
      k = up;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const node of nodes) {
    find(node.threadKey);
    for (const link of node.links ?? []) union(node.threadKey, link);
  }
  // the earliest message of each set names it
  const earliest = new Map<string, ThreadNode>();
  for (const node of nodes) {
    const set = find(node.threadKey);
    const best = earliest.get(set);
    if (!best || node.date < best.date || (node.date === best.date && node.threadKey < best.threadKey)) earliest.set(set, node);
  }
  return nodes.map((node) => earliest.get(find(node.threadKey))!.threadKey);
}
