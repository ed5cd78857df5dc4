import type { Me, Run } from '../api/types';
import { TEMPORAL_UI_CODEC_SETTINGS, temporalRunPageUrl } from './temporal-link';

/** "Open in Temporal UI", and how to make the UI decode the run's payloads there. */
export function TemporalUiLink({
  temporalUi,
  run,
}: {
  temporalUi: NonNullable<Me['temporalUi']>;
  run: Run;
}) {
  const url = temporalRunPageUrl(temporalUi, run);
  const settings = TEMPORAL_UI_CODEC_SETTINGS;
  return (
    <section aria-labelledby="temporal-ui-heading" className="card stack">
      <h2 id="temporal-ui-heading">Temporal UI</h2>
      <p>
        {url ? (
          <a href={url} target="_blank" rel="noreferrer">
            Open in Temporal UI
          </a>
        ) : null}{' '}
        <span className="hint">
          workflow <code>{run.temporal.workflowId}</code>
        </span>
      </p>
      <div className="hint">
        <p>Its payloads are sealed there. To read them decoded, once per browser:</p>
        <ol>
          <li>
            Sign in at <a href={`${temporalUi.codecEndpoint}/login`}>the codec sign-in page</a> with
            an API key holding the <code>codec</code> scope.
          </li>
          <li>
            In the Temporal UI, open the <strong>Codec Server</strong> settings (the button at the
            top right, beside the time zone) and choose <strong>{settings.browserSetting}</strong>
          </li>
          <li>
            Set the <strong>{settings.endpointField}</strong> to{' '}
            <code>{temporalUi.codecEndpoint}</code>, turn on <strong>{settings.credentials}</strong>{' '}
            and click <strong>Apply</strong>.
          </li>
        </ol>
      </div>
    </section>
  );
}
