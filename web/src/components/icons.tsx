// Icons: inline SVG, decorative (aria-hidden).

// ---- Icons (inline SVG, decorative) ----------------------------------------------------------

const svg = {
  width: 16,
  height: 16,
  viewBox: "0 0 24 24",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 2,
  strokeLinecap: "round",
  strokeLinejoin: "round",
  "aria-hidden": true,
} as const;

export function IconReceived() {
  return (
    <svg {...svg} className="icon icon--received">
      <path d="M17 7 7 17" />
      <path d="M16 17H7V8" />
    </svg>
  );
}

/** Mail the contact was copied on (someone else wrote it). */
export function IconCopy() {
  return (
    <svg {...svg} className="icon icon--copy">
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
    </svg>
  );
}

export function IconSent() {
  return (
    <svg {...svg} className="icon icon--sent">
      <path d="M7 17 17 7" />
      <path d="M8 7h9v9" />
    </svg>
  );
}

export function IconAlert() {
  return (
    <svg {...svg} className="icon">
      <circle cx="12" cy="12" r="9" />
      <path d="M12 8v5" />
      <path d="M12 16h.01" />
    </svg>
  );
}

export function IconWarning() {
  return (
    <svg {...svg} className="icon">
      <path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />
      <path d="M12 9v4" />
      <path d="M12 17h.01" />
    </svg>
  );
}

export function IconCheck() {
  return (
    <svg {...svg} className="icon">
      <path d="M20 6 9 17l-5-5" />
    </svg>
  );
}

export function IconSync() {
  return (
    <svg {...svg} className="icon">
      <path d="M21 12a9 9 0 0 1-15.5 6.3L3 16" />
      <path d="M3 12a9 9 0 0 1 15.5-6.3L21 8" />
      <path d="M21 3v5h-5" />
      <path d="M3 21v-5h5" />
    </svg>
  );
}

export function IconPlus() {
  return (
    <svg {...svg} className="icon">
      <path d="M12 5v14" />
      <path d="M5 12h14" />
    </svg>
  );
}

export function IconSearch() {
  return (
    <svg {...svg} className="icon">
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </svg>
  );
}

export function IconBack() {
  return (
    <svg {...svg} className="icon">
      <path d="M15 18 9 12l6-6" />
    </svg>
  );
}

export function IconInbox() {
  return (
    <svg {...svg} width={28} height={28} className="icon icon--empty">
      <path d="M22 12h-6l-2 3h-4l-2-3H2" />
      <path d="M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1Z" />
    </svg>
  );
}

export function IconCross() {
  return (
    <svg {...svg} className="icon">
      <path d="M18 6 6 18" />
      <path d="m6 6 12 12" />
    </svg>
  );
}

export function IconMinus() {
  return (
    <svg {...svg} className="icon">
      <path d="M5 12h14" />
    </svg>
  );
}

export function IconPaperclip() {
  return (
    <svg {...svg} className="icon">
      <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
    </svg>
  );
}

export function IconChevron(props: { open?: boolean }) {
  return (
    <svg {...svg} className={`icon icon--chevron${props.open ? " icon--open" : ""}`}>
      <path d="m9 18 6-6-6-6" />
    </svg>
  );
}

export function IconMail() {
  return (
    <svg {...svg} className="icon">
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3 7 9 6 9-6" />
    </svg>
  );
}

export function IconUpload(props: { size?: number }) {
  return (
    <svg {...svg} width={props.size ?? 16} height={props.size ?? 16} className="icon">
      <path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" />
      <path d="m17 8-5-5-5 5" />
      <path d="M12 3v12" />
    </svg>
  );
}
