import { FormField } from "../../components";
import type { User } from "../../api";

/**
 * The integration user an API key or a webhook endpoint acts as: it sees mail exactly as this
 * user would under the sharing rule. Until one is picked the first user is meant (and shown).
 */
export function IntegrationUserSelect(props: { users: User[]; value: string; onChange: (id: string) => void; label: string; hint: string; error?: string; testId: string }) {
  return (
    <FormField label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className="input"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          data-testid={props.testId}
        >
          {props.users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name ? `${u.name} <${u.email}>` : u.email}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/** The chosen user, or the first one while nothing is chosen (what the select shows). */
export const chosenUser = (userId: string, users: User[]): string => userId || users[0]?.id || "";
