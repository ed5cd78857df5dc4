import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queries } from '../api/queries';
import { paths } from '../paths';
import { Link } from '../router';
import { Field } from '../ui/Field';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { useDebouncedValue } from '../ui/useDebouncedValue';
import {
  CATEGORY_LABELS,
  CATEGORY_OPTIONS,
  templateAuthLabel,
  templateVerifies,
} from './template-labels';

export const templateFormPath = (id: string) =>
  `${paths.addIntegration}?${new URLSearchParams({ template: id })}`;

/**
 * The provider catalogue, searched by the api as the user types and narrowed by category, a
 * page at a time. Each card says how the provider authenticates and whether its credentials
 * can be tested.
 */
export function TemplatePicker() {
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  const searched = useDebouncedValue(search.trim(), 200);
  const templates = useInfiniteQuery({
    ...queries.templates(searched, category),
    placeholderData: keepPreviousData,
  });
  const shown = templates.data?.pages.flatMap((page) => page.templates) ?? [];
  const total = templates.data?.pages[0]?.total ?? 0;

  return (
    <section aria-labelledby="templates-heading" className="stack">
      <h2 id="templates-heading">From a template</h2>
      <div className="two-columns">
        <Field label="Search templates" hint="By name or id: “google sheets”, “stripe”.">
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
        <Field label="Category">
          {(control) => (
            <select
              {...control}
              value={category}
              onChange={(event) => setCategory(event.target.value)}
            >
              <option value="">All categories</option>
              {CATEGORY_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorMessage error={templates.error} />
      {templates.isPending ? <Loading what="templates" /> : null}
      {templates.data && total === 0 ? (
        <EmptyState title={`No template matches “${searched}”.`}>
          <p>Try another word or category, or start from scratch.</p>
        </EmptyState>
      ) : null}
      {shown.length ? (
        <>
          <p className="hint" aria-live="polite">
            {total} template{total === 1 ? '' : 's'}
            {shown.length < total ? `, ${shown.length} shown` : ''}
          </p>
          <ul className="template-grid" aria-label="Templates">
            {shown.map((template) => {
              const verifies = templateVerifies(template);
              return (
                <li key={template.id} className="card template">
                  <div>
                    <strong>{template.name}</strong>
                    <span className="meta">
                      {CATEGORY_LABELS[template.category]} · {templateAuthLabel(template)}
                    </span>
                    <span
                      className={`badge ${verifies ? 'badge-ok' : 'badge-muted'}`}
                      title={
                        verifies
                          ? 'A credential test checks the credentials before a run uses them'
                          : 'This provider has no cheap read to test credentials with'
                      }
                    >
                      {verifies ? 'Verifies credentials' : 'No credential test'}
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
              );
            })}
          </ul>
          {templates.hasNextPage ? (
            <button
              type="button"
              className="button-secondary"
              disabled={templates.isFetchingNextPage}
              onClick={() => templates.fetchNextPage()}
            >
              {templates.isFetchingNextPage ? 'Loading more templates…' : 'Show more templates'}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
