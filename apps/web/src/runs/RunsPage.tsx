import { RunsTable } from './RunsTable';

export function RunsPage() {
  return (
    <div className="stack">
      <h1>Runs</h1>
      <RunsTable />
    </div>
  );
}
