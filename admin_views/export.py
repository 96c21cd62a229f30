"""CSV exports of the generated screens, streamed in batches from a session of their own.

Flask-Admin's own export loads every row first, in the request's session; the app context's
teardown closes that session as soon as the response starts, so a related column then fails
to load, and a million rows would all sit in memory.
"""

import csv

from flask import Response, current_app, stream_with_context
from flask_admin._compat import csv_encode
from sqlalchemy.orm import joinedload
from werkzeug.utils import secure_filename

from models import db

#: Rows read from the database at a time: memory stays flat whatever the export's size.
BATCH = 1000


class _Line:
    """A file that hands back what is written to it: one CSV line at a time."""

    def write(self, value):
        return value


def stream_csv(view) -> Response:
    """The rows of `view`'s list as it is filtered, searched and sorted now, as CSV.

    The keys stream from one connection; each batch of rows, with what its columns show, is
    read on another: a lazy load on the streaming connection would cut the stream short
    (MariaDB's driver drops the rest of an open result), and one query per row is slow."""
    args = view._get_list_extra_args()
    sort = view._get_column_by_idx(args.sort)
    _, query = view.get_list(None, sort[0] if sort else None, args.sort_desc, args.search,
                             args.filters, execute=False, page_size=view.export_max_rows)
    model = view.model
    keys = query.enable_eagerloads(False).with_entities(model.id).statement
    related = [getattr(model, name) for name, _ in view._export_columns
               if name in model.__mapper__.relationships]
    rows = view.get_query().options(*(joinedload(r) for r in related)).statement
    columns = view._export_columns
    app = current_app._get_current_object()
    writer = csv.writer(_Line())

    def lines():
        yield writer.writerow([csv_encode(title) for _, title in columns])
        # a session and a connection that live as long as the download; both close even when
        # the download is cut short
        with app.app_context(), db.engine.connect() as connection:
            for batch in connection.execution_options(yield_per=BATCH).execute(
                    keys).partitions():
                wanted = [key for key, in batch]
                found = {row.id: row for row in db.session.scalars(
                    rows.where(model.id.in_(wanted))).unique()}
                for key in wanted:
                    yield writer.writerow([csv_encode(view.get_export_value(found[key], name))
                                           for name, _ in columns])
                db.session.expunge_all()  # memory stays flat

    filename = secure_filename(view.get_export_name(export_type="csv"))
    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment;filename={filename}"})
