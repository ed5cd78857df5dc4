import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queries } from '../api/queries';
import type { Template } from '../api/types';
import { paths } from '../paths';
import { Link } from '../router';
import { Field } from '../ui/Field';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { useDebouncedValue } from '../ui/useDebouncedValue';

export function templateKindLabel(template: Template): string {
  if (template.oauth) return 'OAuth';
  return template.auth.type === 'database' ? 'Database' : 'API key';
}

export const templateFormPath = (id: string) =>
  `${paths.addIntegration}?${new URLSearchParams({ template: id })}`;

/** The provider catalogue, searched by the api as the user types. */
export function TemplatePicker() {
  const [search, setSearch] = useState('');
  const searched = useDebouncedValue(search.trim(), 200);
  const templates = useQuery({ ...queries.templates(searched), placeholderData: keepPreviousData });

  return (
    <section aria-labelledby="templates-heading" className="stack">
      <h2 id="templates-heading">From a template</h2>
      <Field label="Search templates" hint="By name, id or category: “google sheets”, “crm”.">
        {(control) => (
          <input
            {...control}
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <ErrorMessage error={templates.error} />
      {templates.isPending ? <Loading what="templates" /> : null}
      {templates.data?.length === 0 ? (
        <EmptyState title={`No template matches “${searched}”.`}>
          <p>Try another word, or start from scratch.</p>
        </EmptyState>
      ) : null}
      {templates.data?.length ? (
        <>
          <p className="hint" aria-live="polite">
            {templates.data.length} template{templates.data.length === 1 ? '' : 's'}
          </p>
          <ul className="template-grid" aria-label="Templates">
            {templates.data.map((template) => (
              <li key={template.id} className="card template">
                <div>
                  <strong>{template.name}</strong>
                  <span className="meta">
                    {template.category} · {templateKindLabel(template)}
                  </span>
                </div>
                <Link
                  to={templateFormPath(template.id)}
                  className="button-secondary"
                  aria-label={`Use the ${template.name} template`}
                >
                  Use
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
