"""What each page shows, gathered from the services (compare, track, the store): plain data
for the templates, no HTML. Views parse the request, call one of these, render.

One module per feature, as the views: ``overview``, ``reader`` (report text, figure, report
search, library, full-text search), ``tasks`` (board, task page, my tasks), ``compare``,
``imports``; ``common`` holds what several pages share (query strings, the report chosen, the
report picker) and ``statuses`` what the statuses mean and why a task has its own."""
