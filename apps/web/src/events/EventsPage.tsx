import { EventsTable } from './EventsTable';
import { WebhookSettings } from './WebhookSettings';

/** Events and where they go (needs an admin key). */
export function EventsPage() {
  return (
    <div className="stack">
      <h1>Events</h1>
      <WebhookSettings />
      <EventsTable />
    </div>
  );
}
