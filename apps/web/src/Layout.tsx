import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef } from 'react';
import { queries } from './api/queries';
import { forgetApiKey } from './api/session';
import { paths } from './paths';
import { Link, useLocation } from './router';
import { ErrorMessage } from './ui/feedback';

const SECTIONS = [
  { label: 'Integrations', to: paths.integrations, also: [paths.addIntegration] },
  { label: 'Workflows', to: paths.workflows, also: [] },
  { label: 'Runs', to: paths.runs, also: [] },
  { label: 'Events', to: paths.events, also: [] },
];

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const me = useQuery(queries.me());
  const main = useRef<HTMLElement>(null);

  // A new page moves focus to it, so keyboard and screen reader users start at its top.
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    main.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={paths.integrations} className="brand">
          Latchkey
        </Link>
        <nav aria-label="Sections">
          {SECTIONS.map((section) => {
            const current =
              pathname.startsWith(section.to) || section.also.some((p) => pathname.startsWith(p));
            return (
              <Link key={section.to} to={section.to} aria-current={current ? 'page' : undefined}>
                {section.label}
              </Link>
            );
          })}
        </nav>
        <div className="account">
          {me.data ? <span className="tenant">{me.data.name}</span> : null}
          <button type="button" className="button-quiet" onClick={() => forgetApiKey()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <ErrorMessage error={me.error} />
        {children}
      </main>
    </>
  );
}
