"""Screens name things, never code them: steps by their names, durations in working days, hours
and minutes; the files keep the exact numbers."""

import csv
import io

from models import LetterStatus, Role

from .builders import make_letter


def test_the_step_list_names_each_step_and_reads_its_working_time(client, login_as):
    make_letter(status=LetterStatus.AT_KASI)
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/steps/").get_data(as_text=True)
    assert "1 · Kabid mendisposisikan ke Kasi" in page
    assert "2 · Kasi menganalisis dan berkoordinasi" in page
    assert "15 menit" in page and "1 jam" in page  # the standards: 15 and 60 minutes
    assert "Standar (waktu kerja)" in page


def test_the_step_export_keeps_exact_minutes(client, login_as):
    make_letter(status=LetterStatus.AT_KASI)
    login_as(Role.SUPERVISOR)
    text = client.get("/admin/steps/export/csv/").get_data(as_text=True).lstrip("\ufeff")
    delimiter = ";" if ";" in text.splitlines()[0] else ","  # whichever dialect it writes
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    assert {row["Standar (menit kerja)"] for row in rows} == {"15", "60"}


def test_the_step_filter_offers_steps_by_name(client, login_as, app):
    make_letter(status=LetterStatus.AT_KASI)
    login_as(Role.SUPERVISOR)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "steps")
    index = next(i for i, f in enumerate(view._filters) if f.column.key == "number")
    assert [str(label) for _, label in view._filters[index].get_options(view)][0] == (
        "1 · Kabid mendisposisikan ke Kasi")
    page = client.get(f"/admin/steps/?flt0_{index}=2").get_data(as_text=True)
    assert "2 · Kasi menganalisis" in page and "1 · Kabid mendisposisikan" not in page.split(
        "<tbody>")[-1]


def test_report_screens_name_the_steps_and_take_dates_day_first(client, login_as):
    make_letter(status=LetterStatus.AT_KASI)
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/reports/?report=step-durations&from=01/01/2025&to=31/12/2025"
                      ).get_data(as_text=True)
    assert 'value="01/01/2025"' in page and 'value="31/12/2025"' in page
    assert 'placeholder="hh/bb/tttt"' in page and 'type="date"' not in page
    assert "<td>1 · Kabid mendisposisikan ke Kasi</td>" in page
    assert '<option value="2">2 · Kasi menganalisis dan berkoordinasi</option>' in page
    compliance = client.get("/admin/reports/?report=compliance&from=01/01/2025&to=31/12/2025"
                            ).get_data(as_text=True)
    assert "<td>1 · Kabid mendisposisikan ke Kasi</td>" in compliance
