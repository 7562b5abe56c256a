/**
 * The views that are not part of the entry module. Each one is a chunk of its own (scripts/bundle.mjs
 * splits at these `import()`s), fetched from beside the entry module the first time it is needed:
 * when the shell opens its tab, or when its element appears in the page on its own.
 */
const LOADERS = {
  'vk-payments-logs': () => import('./views/logs/logs.js'),
  'vk-payments-transactions': () => import('./views/transactions/transactions.js'),
  'vk-payments-deliveries': () => import('./views/deliveries/deliveries.js'),
  'vk-payments-stats': () => import('./views/stats/stats.js'),
  'vk-payments-moderation': () => import('./views/moderation/moderation.js'),
} satisfies Record<string, () => Promise<unknown>>;

export type LazyTag = keyof typeof LOADERS;
export const LAZY_TAGS = Object.keys(LOADERS) as LazyTag[];

export const isLazyTag = (tag: string): tag is LazyTag => tag in LOADERS;

const loading = new Map<LazyTag, Promise<void>>();

/** Registers the view's element, fetching its chunk once; a failed fetch is tried again next time. */
export function loadView(tag: LazyTag): Promise<void> {
  let done = loading.get(tag);
  if (!done) {
    done = LOADERS[tag]().then(() => undefined);
    done.catch(() => loading.delete(tag));
    loading.set(tag, done);
  }
  return done;
}

/**
 * Loads the chunk of every lazy view element that is in `root` or is added to it later, so that a
 * `<vk-payments-logs>` a host puts in its page works with the one entry script. (A host that puts
 * one inside its own shadow root calls `loadView()` itself: no observer sees in there.)
 */
export function loadOnSight(root: Document | ShadowRoot): void {
  const scan = (node: ParentNode): void => {
    for (const tag of LAZY_TAGS) {
      const here = node instanceof Element && node.localName === tag;
      if (!customElements.get(tag) && (here || node.querySelector(tag))) {
        loadView(tag).catch((err: unknown) => console.error(`vk-payments: could not load <${tag}>`, err));
      }
    }
  };
  scan(root);
  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) scan(node);
    // Every view registered: nothing left to watch for.
    if (LAZY_TAGS.every((tag) => customElements.get(tag))) observer.disconnect();
  });
  observer.observe(root, { childList: true, subtree: true });
}
