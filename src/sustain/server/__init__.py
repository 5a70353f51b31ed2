"""The processes Sustain runs: `sustain serve` (the web server, with the task worker and
scheduler in the same process on the embedded database) and `sustain worker` (a task
worker on its own, for PostgreSQL deployments)."""
