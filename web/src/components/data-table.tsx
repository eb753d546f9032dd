import type { ReactNode } from "react";

/** One column of a DataTable: its header and how a row fills its cell. */
export interface Column<R> {
  label: string;
  cell: (row: R) => ReactNode;
  /** The column of row buttons: right-aligned, its header read by screen readers only. */
  actions?: boolean;
  /** data-testid of the cell, where tests read one value of a row. */
  testId?: string;
}

/**
 * The console's list table (mailboxes, users, domains, keys, deliveries): header cells with
 * scope, every cell labelled with its column in `data-label` so a narrow screen can show a row
 * as a card of "label: value" lines, and a row's own attributes (data-testid, data-id...) from
 * `rowProps`. One place for the markup every list used to repeat.
 */
export function DataTable<R>(props: {
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  rowProps?: (row: R) => Record<string, string | undefined>;
  testId: string;
  /**
   * On a phone (max 720px) each row becomes a card: the cells stacked in column order, each
   * with its label, the buttons wrapping at the bottom, and no sideways scroll. Default: the
   * table scrolls sideways instead.
   */
  cards?: boolean;
}) {
  return (
    <div className={props.cards ? "table-wrap table-wrap--cards" : "table-wrap"}>
      <table className={props.cards ? "table table--cards" : "table"} data-testid={props.testId}>
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
              {props.columns.map((c, i) => (
                <td key={i} className={c.actions ? "table__actions" : undefined} data-label={c.actions ? undefined : c.label} data-testid={c.testId}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
