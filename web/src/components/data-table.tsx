import type { ReactNode } from "react";

/** One column of a DataTable: its header and how a row fills its cell. */
export interface Column<R> {
  label: string;
  cell: (row: R) => ReactNode;
  /** The column of row buttons: right-aligned, its header read by screen readers only. */
  actions?: boolean;
  /** data-testid of the cell, where tests read one value of a row. */
  testId?: string;
  /**
   * The row's state (a mailbox's status, a key's, a delivery's): on a phone's card it comes
   * first, so a list read on the go answers "is anything wrong?" before the details.
   */
  status?: boolean;
  /** More attributes of a row's cell (a class, a data-* a test reads). */
  cellProps?: (row: R) => { className?: string } & Record<`data-${string}`, string>;
}

/** A cell's class: the actions column's, or the status column's (first on a phone's card). */
function cellClass<R>(c: Column<R>, extra: string | undefined): string | undefined {
  const own = c.actions ? "table__actions" : c.status ? "table__status" : undefined;
  return [own, extra].filter(Boolean).join(" ") || undefined;
}

/**
 * The console's list table (mailboxes, users, domains, keys, deliveries): header cells with
 * scope, every cell labelled with its column in `data-label` so a narrow screen shows a row as a
 * card of "label: value" lines (`table--cards` in feedback.css: status first, actions last, no
 * sideways scrolling), and a row's own attributes (data-testid, data-id...) from `rowProps`.
 * One place for the markup every list used to repeat.
 */
export function DataTable<R>(props: {
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  rowProps?: (row: R) => Record<string, string | undefined>;
  testId: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table table--cards" data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((c, i) =>
              c.actions ? (
                <th key={i} scope="col" className="table__actions-col">
                  <span className="visually-hidden">{c.label}</span>
                </th>
              ) : (
                <th key={i} scope="col">
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} {...(props.rowProps?.(row) ?? {})}>
              {props.columns.map((c, i) => {
                const { className, ...more } = c.cellProps?.(row) ?? {};
                return (
                  <td key={i} {...more} className={cellClass(c, className)} data-label={c.actions ? undefined : c.label} data-testid={c.testId}>
                    {/* one box beside the card's label, whatever the cell holds */}
                    {c.actions ? c.cell(row) : <div className="table__value">{c.cell(row)}</div>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
