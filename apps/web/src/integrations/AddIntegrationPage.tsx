import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import { paths } from '../paths';
import { Link, navigate, useLocation } from '../router';
import { ErrorMessage, Loading } from '../ui/feedback';
import { IntegrationForm } from './IntegrationForm';
import { TemplatePicker } from './TemplatePicker';

const SCRATCH_PATH = `${paths.addIntegration}?from=scratch`;

/** `/add-integration`: pick a template (or scratch), then fill the form; both steps are URLs. */
export function AddIntegrationPage() {
  const { search } = useLocation();
  const templateId = search.get('template');
  const fromScratch = search.get('from') === 'scratch';
  const catalogue = useQuery({
    ...queries.template(templateId ?? ''),
    enabled: Boolean(templateId),
  });
  const template = catalogue.data ?? undefined;
  const saved = (id: string) => navigate(`${paths.integration(id)}?saved=1`);

  return (
    <div className="stack">
      <p className="crumbs">
        <Link to={paths.integrations}>Integrations</Link> /
      </p>
      <h1>Add an integration</h1>
      {fromScratch ? (
        <>
          <p className="lead">
            From scratch. <Link to={paths.addIntegration}>Use a template instead</Link>
          </p>
          <IntegrationForm origin={{ kind: 'scratch' }} onSaved={(i) => saved(i.id)} />
        </>
      ) : templateId ? (
        <>
          <ErrorMessage error={catalogue.error} />
          {catalogue.isPending ? <Loading what="the template" /> : null}
          {catalogue.data === null ? (
            <ErrorMessage error={`There is no template '${templateId}'.`} />
          ) : null}
          {template ? (
            <>
              <p className="lead">
                From the <strong>{template.name}</strong> template.{' '}
                <a href={template.docsUrl} target="_blank" rel="noreferrer">
                  API documentation
                </a>{' '}
                · <Link to={paths.addIntegration}>Choose another</Link>
              </p>
              <IntegrationForm
                key={template.id}
                origin={{ kind: 'template', template }}
                onSaved={(i) => saved(i.id)}
              />
            </>
          ) : null}
        </>
      ) : (
        <>
          <p className="lead">
            Pick a provider template to get its URL, authentication and OAuth settings, or{' '}
            <Link to={SCRATCH_PATH}>start from scratch</Link>.
          </p>
          <TemplatePicker />
        </>
      )}
    </div>
  );
}
