"""CSV exports of the generated screens, streamed in batches from a connection of their own.

Flask-Admin's own export loads every row first, in the request's session, and formats it a
cell at a time; the app context's teardown closes that session as soon as the response
starts, and a million rows would all sit in memory. Here the list's own query (its row scope,
filters, search and sort) selects just the columns the file shows, streamed a batch at a time;
each batch becomes a typed frame (export_columns) that reports/export.py writes, so the
screens' files and the reports' files write numbers, times and yes/no alike.
"""

from flask import Response, current_app, request, stream_with_context
from flask_babel import get_locale
from werkzeug.utils import secure_filename

from models import db
from reports.export import csv_head, csv_rows, dialect_for

from .export_columns import Batch, frame, resolve

#: Rows read from the database at a time: memory stays flat whatever the export's size.
BATCH = 5000


def stream_csv(view) -> Response:
    """The rows of `view`'s list as it is filtered, searched and sorted now, as CSV, in the
    dialect asked for (`?dialect=id|en`) or else that of the screen's language."""
    args = view._get_list_extra_args()
    sort = view._get_column_by_idx(args.sort)
    _, query = view.get_list(None, sort[0] if sort else None, args.sort_desc, args.search,
                             args.filters, execute=False, page_size=view.export_max_rows)
    columns = resolve(view)
    selects = [select for column in columns for select in column.selects]
    # the keys and the columns of the rows the list holds: its query, scope and all
    statement = query.enable_eagerloads(False).with_entities(view.model.id, *selects).statement
    dialect = dialect_for(request.args.get("dialect"), str(get_locale()))
    head = csv_head([str(title) for _, title in view._export_columns], dialect)
    app = current_app._get_current_object()

    def pieces():
        yield head
        labels = {}  # related records' names, kept across batches
        # a session and a connection that live as long as the download; both close even when
        # the download is cut short. Names of related records are read on the session, not on
        # the streaming connection (MariaDB's driver drops the rest of an open result).
        with app.app_context(), db.engine.connect() as connection:
            for rows in connection.execution_options(yield_per=BATCH).execute(
                    statement).partitions():
                batch = Batch(view, db.session, [row[0] for row in rows], labels)
                yield csv_rows(frame(columns, rows, batch), dialect)
                db.session.expunge_all()  # memory stays flat

    filename = secure_filename(view.get_export_name(export_type="csv"))
    return Response(stream_with_context(pieces()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment;filename={filename}"})
