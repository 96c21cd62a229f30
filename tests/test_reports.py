"""Reports against the standard: pure computation checked against a per-row reference,
downloads that open cleanly, the command line, and the row scope."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import numpy as np
import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from models import LetterStatus, Role, db
from models.calendar import RAMADAN_WEEK, SpecialPeriod, WorkCalendar, national_holidays
from models.db import MAX_RUPIAH
from models.steps import PauseReason
from reports.charts import monthly_compliance
from reports.durations import compliance, overdue_now, step_durations
from reports.export import DIALECTS, to_csv, to_xlsx

from .builders import (
    NOW,
    RECEIVED,
    make_agency,
    make_application,
    make_decision,
    make_letter,
    make_rka_item,
    make_user,
    staff,
)

CALENDAR = WorkCalendar(holidays=national_holidays(), special=(
    SpecialPeriod(date(2025, 3, 1), date(2025, 3, 30), RAMADAN_WEEK, "Ramadan"),))
AS_OF = pd.Timestamp("2025-12-31 09:00", tz="UTC")


def _random_steps(n, seed=7):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-06-01", tz="UTC")
    started = start + pd.to_timedelta(rng.integers(0, 500 * 24 * 60, n), unit="min")
    length = pd.to_timedelta(rng.integers(1, 90 * 24 * 60, n), unit="min")
    finished = pd.Series(started + length)
    finished[rng.random(n) < 0.2] = pd.NaT  # some still open
    paused_since = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    pausing = finished.isna() & (rng.random(n) < 0.5)
    paused_since[pausing] = pd.Series(started)[pausing] + timedelta(minutes=5)
    return pd.DataFrame({
        "step": rng.integers(1, 4, n), "agency_code": rng.choice(["A", "B", "C"], n),
        "holder": rng.choice(["Budi", "Sari"], n), "started_at": started,
        "due_at": started + timedelta(minutes=15), "finished_at": finished,
        "standard_minutes": rng.choice([15, 60], n),
        "paused_minutes": rng.integers(0, 30, n).astype(float), "paused_since": paused_since,
    })


def _reference(row):
    """Obviously correct, one step at a time: an open step has used its working minutes so
    far, has no clock figure yet, and is judged only once it is past its standard."""
    finished = pd.notna(row.finished_at)
    end = row.finished_at if finished else AS_OF
    working = CALENDAR.working_minutes(row.started_at.to_pydatetime(), end.to_pydatetime())
    paused = row.paused_minutes + (CALENDAR.working_minutes(
        row.paused_since.to_pydatetime(), AS_OF.to_pydatetime())
        if pd.notna(row.paused_since) else 0)
    net = working - paused
    within = net <= row.standard_minutes
    clock = (end - row.started_at).total_seconds() / 60 if finished else np.nan
    state = ("finished" if finished else "paused" if pd.notna(row.paused_since)
             else "running" if within else "late")
    return clock, working, paused, net, within if finished or not within else np.nan, state


def test_step_durations_match_a_per_row_reference_on_thousands_of_steps():
    steps = _random_steps(3000)
    recent = steps.index[:50]  # started minutes ago, still running within their standard
    steps.loc[recent, "started_at"] = AS_OF - pd.Timedelta(minutes=5)
    steps.loc[recent, ["finished_at", "paused_since"]] = pd.NaT
    steps.loc[recent, "paused_minutes"] = 0.0
    result = step_durations(steps, CALENDAR, AS_OF)
    expected = pd.DataFrame([_reference(r) for r in steps.itertuples()],
                            columns=["clock_minutes", "working_minutes", "paused_minutes",
                                     "net_minutes", "within_standard", "state"])
    for column in expected.columns.drop("state"):
        assert np.allclose(result[column].astype(float), expected[column].astype(float),
                           equal_nan=True), column
    assert (result["state"] == expected["state"]).all()
    assert (result["open"] == steps["finished_at"].isna()).all()
    assert set(expected["state"]) == {"finished", "paused", "running", "late"}


def test_compliance_of_steps_none_of_them_judged_yet_is_empty():
    """A period whose only steps are running within their standard: nothing to judge."""
    steps = _random_steps(3)
    steps["started_at"] = AS_OF - pd.Timedelta(minutes=5)
    for column in ("finished_at", "paused_since"):
        steps[column] = pd.Series(pd.NaT, index=steps.index, dtype=steps["started_at"].dtype)
    durations = step_durations(steps, CALENDAR, AS_OF)
    assert durations["within_standard"].isna().all()
    assert compliance(durations, "step").empty
    assert monthly_compliance(durations).empty


def test_compliance_counts_medians_and_trend():
    steps = _random_steps(2000)
    now, before = step_durations(steps, CALENDAR, AS_OF), step_durations(
        _random_steps(2000, seed=8), CALENDAR, AS_OF)
    table = compliance(now, "step", previous=before).set_index("step")

    def share(frame):
        """Within standard among the finished steps and the open ones already late."""
        late = frame["open"] & (frame["net_minutes"] > frame["standard_minutes"])
        judged = frame[~frame["open"] | late]
        return (judged["net_minutes"] <= judged["standard_minutes"]).mean() * 100

    for step, group in now.groupby("step"):
        done = group[~group["open"]]
        assert table.loc[step, "count"] == len(done)
        assert table.loc[step, "open_late"] == (
            group["open"] & (group["net_minutes"] > group["standard_minutes"])).sum() > 0
        assert table.loc[step, "median_minutes"] == pytest.approx(done["net_minutes"].median())
        assert table.loc[step, "p90_minutes"] == pytest.approx(
            np.percentile(done["net_minutes"], 90, method="linear"))
        assert table.loc[step, "share_within"] == pytest.approx(share(group))
        assert share(group) < done["within_standard"].astype(bool).mean() * 100
        assert table.loc[step, "trend_points"] == pytest.approx(
            share(group) - share(before[before["step"] == step]))


def test_overdue_lists_running_steps_past_due_oldest_first():
    durations = step_durations(_random_steps(500), CALENDAR, AS_OF)
    late = overdue_now(durations, CALENDAR, AS_OF)
    assert late["open"].all() and late["paused_since"].isna().all()
    assert (late["due_at"] < AS_OF).all() and late["due_at"].is_monotonic_increasing
    assert (late["minutes_past_due"] >= 0).all()


def test_downloads_neutralize_formulas_and_keep_real_cells(app):
    frame = pd.DataFrame({"Nama": ["=HYPERLINK(\"http://x\")", "+1", "aman; sekali"],
                          "Menit": [1.5, 2.0, 23.000000000000043],
                          "Mulai": pd.to_datetime(["2025-01-02 08:00"] * 3).tz_localize(
                              "Asia/Pontianak"),
                          "Tepat": pd.array([True, False, None], dtype="boolean"),
                          "Rp": [Decimal("249999999.99"), MAX_RUPIAH, Decimal("0.50")]})
    with app.test_request_context(headers={"Accept-Language": "id"}):
        indonesian = to_csv(frame, DIALECTS["id"])
        english = to_csv(frame, DIALECTS["en"])
    assert indonesian.startswith(b"\xef\xbb\xbf")
    rows = indonesian.decode("utf-8-sig").splitlines()
    assert rows[0] == "Nama;Menit;Mulai;Tepat;Rp"
    assert rows[1:] == ['"\'=HYPERLINK(""http://x"")";1,5;2025-01-02 08:00;ya;249999999,99',
                        "'+1;2;2025-01-02 08:00;tidak;9999999999999999,99",
                        '"aman; sekali";23;2025-01-02 08:00;;0,50']
    assert english.decode("utf-8-sig").splitlines()[1:3] == [
        '"\'=HYPERLINK(""http://x"")",1.5,2025-01-02 08:00,ya,249999999.99',
        "'+1,2,2025-01-02 08:00,tidak,9999999999999999.99"]
    book = openpyxl.load_workbook(BytesIO(to_xlsx({"Uji": frame})))
    sheet = book["Uji"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E4"
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["B2"].data_type == "n" and sheet["C2"].value == datetime(2025, 1, 2, 8, 0)
    assert sheet["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert [sheet[f"D{row}"].value for row in (2, 3, 4)] == ["ya", "tidak", None]
    # a spreadsheet keeps 15 digits: an amount with more is text, digit for digit
    assert sheet["E2"].value == 249999999.99 and sheet["E2"].number_format == "#,##0.00"
    assert sheet["E3"].value == "9999999999999999.99"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width


@pytest.mark.parametrize("dialect", DIALECTS.values(), ids=DIALECTS.keys())
def test_the_csv_writer_writes_what_pandas_would(app, dialect):
    """Typed columns are written a column at a time through the csv module (pandas' writer
    was most of a big export's time): the same text as pandas' to_csv of the same cells."""
    from reports.export import _cells, _csv_text, _pandas_text
    n = 7
    frame = pd.DataFrame({
        "text": pd.Series(["a", "=1+1", None, 'q"uo;te', "x,y", "baris\nbaru", "-3"],
                          dtype="str"),
        "safe": pd.Series(["a", None, "b c", "", "d;e", "f", "g"], dtype="str"),
        "inner": pd.Series(["daftar:\n- satu", None, "a", "b", "c", "d", "e"], dtype="str"),
        "words": pd.Series(["a", None, "b c", "", "d;e", "f", "g"], dtype="object"),
        "risky": pd.Series(["a", None, "+62 811", "", "d", "f", "g"], dtype="object"),
        "mixed": pd.Series(["a", None, Decimal("1.50"), 3, date(2025, 1, 2), np.nan, "@x"],
                           dtype="object"),
        "float": [1.5, np.nan, 23.000000000000043, 1e20, -0.0, 5.0, 0.1 + 0.2],
        "Int64": pd.Series([1, None, 3, 4, 5, 6, 7], dtype="Int64"),
        "int": range(n),
        "boolean": pd.Series([True, False, None] * 2 + [True], dtype="boolean"),
        "bool": [True, False] * 3 + [True],
        "time": pd.to_datetime([datetime(2025, 1, 24, 9, 20, 59, tzinfo=UTC), None] * 3
                               + [datetime(1969, 12, 31, 23, 59, tzinfo=UTC)], utc=True),
        "day": pd.Series([date(2025, 1, 24), None] * 3 + [date(1900, 1, 1)], dtype="object"),
    })
    with app.test_request_context(headers={"Accept-Language": "id"}):
        for header in (True, False):
            assert _csv_text(frame.copy(), dialect, header) == _pandas_text(
                _cells(frame.copy()), dialect, header)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Pontianak", "Europe/Berlin",
                                  "America/St_Johns"])
def test_csv_times_are_the_office_clock_as_strftime_writes_it(zone):
    """Written in bulk (strftime per value was most of a big download's time), the same text:
    any zone in, office time out, before 1970 too, seconds cut off, missing times empty."""
    from reports.export import office_times
    rng = np.random.default_rng(3)
    moments = pd.Series(pd.to_datetime(rng.integers(
        pd.Timestamp("1890-01-01").value, pd.Timestamp("2040-01-01").value, 5000), utc=True))
    moments = moments.dt.as_unit("us").dt.tz_convert(zone)
    moments[rng.random(len(moments)) < 0.1] = pd.NaT
    written = office_times(moments)
    expected = moments.dt.tz_convert("Asia/Pontianak").dt.strftime("%Y-%m-%d %H:%M")
    assert written.isna().equals(expected.isna())
    assert (written.dropna() == expected.dropna()).all()


@pytest.fixture
def finished_letters(app):
    mine, other = make_agency(code="MINE"), make_agency(code="OTHER")
    for agency in (mine, other):
        make_letter(agency=agency, status=LetterStatus.IN_RKA)
    db.session.commit()
    return mine, other


def test_the_command_line_writes_the_file_the_screen_downloads(app, client, login_as,
                                                               finished_letters, tmp_path):
    output = tmp_path / "durasi.csv"
    result = app.test_cli_runner().invoke(args=[
        "report", "step-durations", "--from", "2025-01-01", "--to", "2025-12-31",
        "--format", "csv", "--output", str(output)])
    assert result.exit_code == 0, result.output
    login_as(Role.SUPERVISOR)
    screen = client.get("/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31"
                        "&format=csv")
    assert screen.headers["Content-Disposition"].endswith(
        'filename="step-durations_20250101-20251231.csv"')
    assert screen.data == output.read_bytes()
    rows = pd.read_csv(output, encoding="utf-8-sig", sep=";", decimal=",")
    assert len(rows) == 6 and list(rows.columns)[:4] == ["No. Agenda", "No. Surat",
                                                          "Kode OPD", "Langkah"]
    assert rows["Menit kerja"].dtype == "int64" and set(rows["Sesuai standar"]) <= {"ya", "tidak"}
    english = app.test_cli_runner().invoke(args=[
        "report", "step-durations", "--from", "2025-01-01", "--to", "2025-12-31",
        "--dialect", "en", "--output", str(output)])
    assert english.exit_code == 0, english.output
    assert screen.data.replace(b";", b",") == output.read_bytes()  # no decimals, no commas
    assert client.get("/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31"
                      "&format=csv&dialect=en").data == output.read_bytes()


def test_an_xlsx_download_opens_with_number_and_date_cells(client, login_as, finished_letters):
    login_as(Role.KASI)
    response = client.get("/admin/reports/?report=step-durations&from=2025-01-01"
                          "&to=2025-12-31&format=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    started = sheet.cell(row=2, column=header.index("Mulai") + 1).value
    assert isinstance(started, datetime)
    assert sheet.cell(row=2, column=header.index("Menit kerja") + 1).data_type == "n"


def test_an_opd_user_sees_only_its_own_agency_in_reports(client, login_as, finished_letters):
    mine, _ = finished_letters
    login_as(Role.OPD, agency=mine)
    page = client.get("/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31"
                      "&agency=" + str(finished_letters[1].id)).get_data(as_text=True)
    assert "MINE" in page and "OTHER" not in page
    download = client.get("/admin/reports/?report=step-durations&from=2025-01-01"
                          "&to=2025-12-31&format=csv")
    assert download.mimetype == "text/html"  # OPD may view, not export


@pytest.mark.parametrize("report", ["step-durations", "overdue", "compliance"])
@pytest.mark.parametrize("params", ["", "&from=kemarin&to=besok", "&step=9&by=x",
                                    "&from=2025-12-31&to=2025-01-01", "&agency=abc"])
def test_report_screens_take_any_parameter_without_error(client, login_as, report, params):
    login_as(Role.SUPERVISOR)
    assert client.get(f"/admin/reports/?report={report}{params}").status_code == 200


def test_report_screens_are_closed_to_the_anonymous(client, app):
    assert client.get("/admin/reports/").status_code in (302, 403)


@pytest.mark.parametrize("role", list(Role))
def test_the_report_scope_is_the_own_agency_for_a_row_scoped_role_only(app, role):
    from admin_views.permissions import ROW_SCOPED, report_scope
    from reports.catalogue import ReportScope
    user = make_user(role)
    own = user.agency_id if role in ROW_SCOPED else None
    assert report_scope(user) == ReportScope(own)
    assert report_scope(user).agency(12345) == (12345 if own is None else own)


def test_an_opd_users_yearly_reports_read_only_its_own_agencys_rows(client, login_as,
                                                                     monkeypatch):
    """The scope is an agency id applied in SQL: another agency's rows are never loaded, so a
    name (which may change, or be spelled alike) never decides what an OPD sees."""
    from reports import load
    mine = make_agency(code="MINE", name="Dinas Milik Sendiri")
    other = make_agency(code="OTHER", name="Dinas Lain")
    for agency in (mine, other):
        make_letter(agency=agency, status=LetterStatus.BUILT)
        make_application(agency=agency, year_built=2025)
    db.session.commit()
    loaded = []

    def spying(connection, query, columns):
        frame = real(connection, query, columns)
        loaded.append(frame)
        return frame

    real = load.load_frame
    monkeypatch.setattr(load, "load_frame", spying)
    login_as(Role.OPD, agency=mine)
    annual = client.get("/admin/reports/annual/?year=2025").get_data(as_text=True)
    budget = client.get("/admin/reports/budget/?year=2026").get_data(as_text=True)
    assert "Dinas Milik Sendiri" in annual and "2.16.03.1.02.0005" in budget
    assert "Dinas Lain" not in annual + budget
    assert loaded and all(len(frame) for frame in loaded)
    assert {name for frame in loaded for name in frame["agency"]} == {mine.name}




def test_the_compliance_screen_draws_its_charts_itself(client, login_as, finished_letters):
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/reports/?report=compliance&from=2025-01-01&to=2025-12-31")
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 2 and "Tren bulanan" in html
    svg = html.split("<svg", 1)[1]
    assert 'href="http' not in svg and "url(http" not in svg  # nothing fetched from outside


def test_monthly_compliance_is_a_month_by_step_table():
    from reports.charts import monthly_compliance
    durations = step_durations(_random_steps(800), CALENDAR, AS_OF)
    table = monthly_compliance(durations)
    assert list(table.columns) == [1, 2, 3] and table.index.is_monotonic_increasing
    assert ((table.fillna(0) >= 0) & (table.fillna(0) <= 100)).all().all()


def test_the_budget_document_groups_and_adds_up_exactly():
    from decimal import Decimal

    from reports.annual import budget_document
    items = pd.DataFrame({
        "code": ["2.16.03.1.02.0005", "2.16.03.1.02.0001", "2.16.02.1.01.0002"],
        "description": ["a", "b", "c"], "agency": ["X", "Y", "Z"],
        "volume": [Decimal(3)] * 3, "unit": ["Paket"] * 3,
        "unit_price": [Decimal("33333333.33")] * 3,
        "total": [Decimal("99999999.99"), Decimal("0.01"), Decimal("150000000.00")],
        "funding_source": ["dau"] * 3, "status": ["rka"] * 3})
    document = budget_document(items)
    assert list(document["level"]) == ["program", "kegiatan", "sub_kegiatan", "program",
                                       "kegiatan", "sub_kegiatan", "sub_kegiatan", "total"]
    assert document.loc[3, "total"] == Decimal("100000000.00")
    assert document.iloc[-1]["total"] == Decimal("250000000.00")
    assert all(isinstance(v, Decimal) for v in document["total"])


@pytest.fixture
def budgeted_year(app):
    dinkes = make_agency(code="DINKES", name="Dinas Kesehatan")
    make_letter(agency=dinkes, status=LetterStatus.IN_RKA)
    make_letter(agency=dinkes, status=LetterStatus.REJECTED)
    make_letter(agency=make_agency(name="Dinas Sosial"), status=LetterStatus.AT_KASI)
    kadis = staff(Role.KADIS)  # the one who disposed the letters signs the report
    kadis.full_name, kadis.nip = "Drs. Kepala Dinas", "196103291989031004"
    db.session.commit()


def test_the_budget_document_page_prints_the_rka_of_the_fiscal_year(client, login_as,
                                                                     budgeted_year):
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/reports/budget/?year=2026").get_data(as_text=True)
    assert "PEMERINTAH KOTA PONTIANAK" in page and "2.16.03.1.02.0005" in page
    # unit price and total of the item, then the kegiatan, program and grand totals
    assert page.count("Rp 150.000.000") == 5
    assert "NIP. 19610329 198903 1 004" in page
    csv = client.get("/admin/reports/budget/?year=2026&format=csv")
    assert csv.mimetype == "text/csv" and b";150000000,00;" in csv.data


def test_the_annual_report_counts_requests_decisions_and_budget(client, login_as,
                                                                budgeted_year):
    make_application(name="SI Posyandu", agency=make_agency(name="Dinas Kesehatan Hewan"),
                     year_built=2025)
    db.session.commit()
    login_as(Role.KADIS)
    page = client.get("/admin/reports/annual/?year=2025").get_data(as_text=True)
    assert "Laporan Tahunan Aplikasi" in page
    assert "<td>Web</td><td>2025</td><td>Aktif</td>" in page  # labels, not codes
    assert "Dinas Kesehatan" in page and "Dinas Sosial" in page
    assert "Sudah ada aplikasi serupa" in page  # the rejection's reason
    assert ">nan<" not in page and "<NA>" not in page and "2.026" not in page
    assert "Rp 150.000.000" in page
    xlsx = client.get("/admin/reports/annual/?year=2025&format=xlsx")
    book = openpyxl.load_workbook(BytesIO(xlsx.data))
    assert [sheet.max_row for sheet in book] == [3, 4, 2, 2]  # by agency, requests, ...
    assert book.sheetnames[1] == "2. Keputusan, alasan dan"
    csv = client.get("/admin/reports/annual/?year=2025&format=csv").data.decode("utf-8-sig")
    titles = ["1. Permohonan per perangkat daerah", "2. Keputusan, alasan dan anggaran",
              "3. Aplikasi yang dibangun tahun ini", "4. Inventaris aplikasi pada akhir tahun"]
    assert [line for line in csv.splitlines() if line in titles] == titles
    assert "Dinas Kesehatan;2;0;2;1;1;0" in csv
    assert "SI Posyandu;Dinas Kesehatan Hewan;Web;2025;Aktif" in csv  # the inventory


def test_the_annual_report_of_a_year_shows_the_budget_of_its_requests_decided_the_year_after(
        client, login_as):
    january = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 WIB on a Monday
    letter = make_letter(agency=make_agency(name="Dinas Perhubungan"), at=january,
                         received_at=datetime(2025, 12, 29, 1, 0, tzinfo=UTC),
                         letter_date=date(2025, 12, 24))
    decision = make_decision(letter=letter, at=january)
    make_rka_item(decision=decision, at=january, unit_price=Decimal("250000000.00"))
    db.session.commit()
    assert (letter.agenda_year, decision.budget_year) == (2025, 2027)
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/reports/annual/?year=2025").get_data(as_text=True)
    assert "Dinas Perhubungan" in page and "Rp 250.000.000" in page and "2027" in page


def test_the_yearly_reports_come_from_the_command_line_too(app, budgeted_year, tmp_path):
    for name in ("budget", "annual"):
        output = tmp_path / f"{name}.xlsx"
        result = app.test_cli_runner().invoke(args=[
            "report", name, "--from", "2026-01-01" if name == "budget" else "2025-01-01",
            "--to", "2026-12-31", "--format", "xlsx", "--output", str(output)])
        assert result.exit_code == 0, result.output
        assert openpyxl.load_workbook(output).active.max_row > 1


def test_reports_filter_by_official(client, login_as, finished_letters):
    other = make_agency(code="THIRD")
    letter = make_letter(agency=other, status=LetterStatus.AT_KABID)
    db.session.commit()
    login_as(Role.SUPERVISOR)
    kabid = letter.steps[0].holder
    page = client.get(f"/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31"
                      f"&holder={kabid.id}&step=1").get_data(as_text=True)
    assert "THIRD" in page and "MINE" in page  # the same Kabid held step 1 of both
    kasi = staff(Role.KASI)
    page = client.get(f"/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31"
                      f"&holder={kasi.id}").get_data(as_text=True)
    assert "MINE" in page and "THIRD" not in page  # the Kasi never held the third letter


def test_downloads_show_labels_not_codes(client, login_as, budgeted_year):
    login_as(Role.SUPERVISOR)
    text = client.get("/admin/reports/budget/?year=2026&format=csv").data.decode("utf-8-sig")
    assert "Program;2.16.03" in text and "Sub-kegiatan;" in text
    assert ";nan" not in text and "sub_kegiatan" not in text


def test_the_leaders_home_page_shows_this_years_compliance_charts(client, login_as,
                                                                  monkeypatch):
    from admin_views import home
    monkeypatch.setattr(home, "now", lambda: NOW)  # this year: the builders' 2025
    login_as(Role.SUPERVISOR)
    empty = client.get("/admin/").get_data(as_text=True)
    assert "<svg" not in empty and empty.count('class="chart-empty"') == 2
    assert "Belum ada data untuk periode ini." in empty
    make_letter(status=LetterStatus.AT_KASI)  # its step 2 is still open: late this year
    db.session.commit()
    assert client.get("/admin/").get_data(as_text=True).count("<svg") == 2
    client.post("/auth/logout")
    client.logged_in = False
    login_as(Role.CLERK)
    assert "<svg" not in client.get("/admin/").get_data(as_text=True)


def test_open_steps_are_measured_up_to_a_now_finer_than_their_stored_seconds(app):
    """Times stored to the second parse as seconds; "now" has microseconds: the loader keeps
    both in one unit, so filling an open step's end with "now" is exact, not an error."""
    from reports.catalogue import Period, ReportScope, durations_for
    from reports.load import TIME_COLUMNS
    make_letter(agency=make_agency(), status=LetterStatus.AT_KABID)
    db.session.commit()
    as_of = pd.Timestamp("2025-03-03 02:00:00.123456", tz="UTC")
    durations = durations_for(Period(date(2025, 1, 1), date(2025, 12, 31)),
                              ReportScope(None), as_of)
    assert all(durations[c].dt.unit == "us" for c in TIME_COLUMNS)
    assert durations["open"].all() and (durations["working_minutes"] > 0).all()
    assert durations["clock_minutes"].isna().all()  # an open step's clock is not a figure


# Streamed downloads and one-page screens of the step reports

STREAM_AS_OF = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)
YEAR_2025 = "&from=2025-01-01&to=2025-12-31"


@pytest.fixture
def step_letters(app, monkeypatch):
    """Letters of two agencies at several points of the SOP: finished, open, overdue, paused
    and held-by-nobody steps, starts that tie, a letter number a spreadsheet would run; and a
    fixed "now" for the screens."""
    from admin_views import reports
    monkeypatch.setattr(reports, "now", lambda: STREAM_AS_OF)
    mine, other = make_agency(code="MINE"), make_agency(code="OTHER")
    statuses = [LetterStatus.IN_RKA, LetterStatus.AT_KABID, LetterStatus.AT_KASI,
                LetterStatus.IN_ANALYSIS, LetterStatus.AT_KADIS, LetterStatus.IN_RKA,
                LetterStatus.AT_KASI]
    letters = [make_letter(agency=(mine, other)[i % 2], status=status,
                           letter_date=date(2025, 2, 10),
                           received_at=RECEIVED - timedelta(days=3 * (i // 2)))
               for i, status in enumerate(statuses)]
    letters[2].number = "=HYPERLINK(\"http://x\")"
    open_step = next(s for s in letters[1].steps if s.finished_at is None)
    open_step.pause(open_step.started_at + timedelta(hours=1), PauseReason.OTHER)
    next(s for s in letters[0].steps if s.finished_at is not None).holder = None
    db.session.commit()
    return mine, other


def _whole(name, user, **filters):
    """The download as it was built before it streamed: the whole report in memory."""
    from admin_views.permissions import report_scope
    from reports.catalogue import Period, build
    from reports.downloads import download
    period = Period(date(2025, 1, 1), date(2025, 12, 31))
    tables = build(name, period, report_scope(user), pd.Timestamp(STREAM_AS_OF), **filters)
    return tables[name], download(name, period, tables, "csv", DIALECTS["id"])[1]


@pytest.mark.parametrize("name", ["step-durations", "overdue"])
def test_a_streamed_download_is_byte_for_byte_the_whole_report(client, login_as, step_letters,
                                                               monkeypatch, name):
    monkeypatch.setattr("reports.load.CHUNK_ROWS", 3)
    user = login_as(Role.SUPERVISOR)
    response = client.get(f"/admin/reports/?report={name}{YEAR_2025}&format=csv",
                          buffered=False)
    pieces = list(response.response)
    response.close()
    frame, whole = _whole(name, user)
    assert b"".join(pieces) == whole
    assert response.headers["Content-Disposition"].endswith(
        f'filename="{name}_20250101-20251231.csv"')
    assert len(pieces) == 1 + -(-len(frame) // 3)  # the header, then a piece per chunk
    text = whole.decode("utf-8")
    assert text.startswith("\ufeffNo. Agenda;") and text.count("\ufeff") == 1
    assert text.count("No. Agenda") == 1
    if name == "step-durations":
        assert len(frame) == 13 and "'=HYPERLINK" in text
        assert ";2025-03-03 08:00;" in text  # office time, as a spreadsheet reads it
        assert frame["finished_at"].isna().any() and frame["holder"].fillna("").eq("").any()
        # a letter's steps run across a chunk's end
        agendas = frame["agenda_number"].tolist()
        assert any(agendas[i - 1] == agendas[i] for i in range(3, len(agendas), 3))
    else:  # running steps past due, a tie of due times among them; not the paused one
        assert len(frame) == 3 and frame["due_at"].duplicated().any()


def test_a_streamed_download_keeps_an_opd_users_row_scope(app, step_letters):
    from admin_views.permissions import report_scope
    from reports.catalogue import Period, step_rows
    from reports.downloads import step_report_csv
    mine, other = step_letters
    opd = staff(Role.OPD)
    opd.agency = mine
    db.session.commit()
    period = Period(date(2025, 1, 1), date(2025, 12, 31))
    as_of = pd.Timestamp(STREAM_AS_OF)
    for name in ("step-durations", "overdue"):
        with app.test_request_context():
            query = step_rows(name, period, report_scope(opd), as_of, agency_id=other.id)
            streamed = b"".join(step_report_csv(name, query, as_of, DIALECTS["id"]))
        frame, whole = _whole(name, opd, agency_id=other.id)
        assert streamed == whole and len(frame)
        assert b";MINE;" in streamed and b"OTHER" not in streamed


def _transactions_open():
    """Other sessions of this PostgreSQL database inside a transaction (a COPY being read
    holds one, and its locks); None elsewhere."""
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        return connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state <> 'idle'"))


def test_a_download_cut_short_gives_its_connection_back(client, login_as, step_letters,
                                                        monkeypatch):
    monkeypatch.setattr("reports.load.CHUNK_ROWS", 2)
    user = login_as(Role.SUPERVISOR)
    url = f"/admin/reports/?report=step-durations{YEAR_2025}&format=csv"
    pool, before = db.engine.pool, db.engine.pool.checkedout()
    response = client.get(url, buffered=False)
    try:
        pieces = iter(response.response)
        assert next(pieces).startswith(b"\xef\xbb\xbf") and next(pieces)  # header, a chunk
        reading = pool.checkedout(), _transactions_open()
    finally:
        response.close()  # the browser went away
    assert reading[0] > before and reading[1] != 0  # the download's connection, mid-read
    assert pool.checkedout() == before and _transactions_open() in (None, 0)
    user.full_name = "Pegawai Berikutnya"  # a write, then the next download, both whole
    db.session.commit()
    assert client.get(url).data == _whole("step-durations", user)[1]


@pytest.mark.parametrize("name", ["step-durations", "overdue"])
def test_a_step_report_screen_reads_only_the_page_it_shows(client, login_as, step_letters,
                                                           monkeypatch, name):
    from admin_views import reports
    from reports.catalogue import Period, ReportScope, step_rows
    monkeypatch.setattr(reports, "PAGE_ROWS", 2)
    user = login_as(Role.SUPERVISOR)
    frame, _ = _whole(name, user)
    query = step_rows(name, Period(date(2025, 1, 1), date(2025, 12, 31)), ReportScope(None),
                      pd.Timestamp(STREAM_AS_OF))
    page, total = reports.first_page(name, query, pd.Timestamp(STREAM_AS_OF))
    pd.testing.assert_frame_equal(page.reset_index(drop=True),
                                  frame.head(2).reset_index(drop=True))
    assert total == len(frame) > 2
    html = client.get(f"/admin/reports/?report={name}{YEAR_2025}").get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 2 and f"{len(frame)} baris" in html
    monkeypatch.setattr(reports, "COUNT_LIMIT", 2)  # a long report counts only so far
    html = client.get(f"/admin/reports/?report={name}{YEAR_2025}").get_data(as_text=True)
    assert "2+ baris" in html


def test_an_xlsx_larger_than_a_sheet_is_refused_with_a_reason(client, login_as, step_letters,
                                                              monkeypatch):
    from admin_views import reports
    from reports import downloads
    login_as(Role.SUPERVISOR)
    url = f"/admin/reports/?report=step-durations{YEAR_2025}&format=xlsx"
    monkeypatch.setattr(reports, "COUNT_LIMIT", 2)  # the screen's cap is not the sheet's
    monkeypatch.setattr(downloads, "XLSX_ROWS", 13)
    assert client.get(url).mimetype == downloads.XLSX  # exactly full
    monkeypatch.setattr(downloads, "XLSX_ROWS", 12)
    refused = client.get(url)
    assert refused.status_code == 302 and "format" not in refused.location
    page = client.get(refused.location).get_data(as_text=True)
    assert "13+ baris" in page and "lembar Excel" in page and "CSV" in page


def test_a_yearly_xlsx_larger_than_a_sheet_is_refused_too(client, login_as, budgeted_year,
                                                          monkeypatch):
    from reports import downloads
    monkeypatch.setattr(downloads, "XLSX_ROWS", 2)
    login_as(Role.SUPERVISOR)
    refused = client.get("/admin/reports/annual/?year=2025&format=xlsx")
    assert refused.status_code == 302 and "year=2025" in refused.location
    assert "lembar Excel" in client.get(refused.location).get_data(as_text=True)


@pytest.fixture
def largest_amounts(app):
    """Two requests budgeted at the largest unit price a form takes: their sum is past it."""
    from models.db import MAX_RUPIAH

    from .builders import make_decision, make_rka_item
    dinkes = make_agency(code="DINKES", name="Dinas Kesehatan")
    for _ in range(2):
        decision = make_decision(letter=make_letter(agency=dinkes))
        make_rka_item(decision=decision, volume=1, unit_price=MAX_RUPIAH)
    db.session.commit()


@pytest.mark.parametrize("report,year", [("budget", 2026), ("annual", 2025)])
def test_yearly_reports_survive_the_largest_amounts(client, login_as, largest_amounts, report,
                                                     year):
    login_as(Role.SUPERVISOR)
    page = client.get(f"/admin/reports/{report}/?year={year}")
    assert page.status_code == 200
    assert "Rp 9.999.999.999.999.999,99" in page.get_data(as_text=True)
    csv = client.get(f"/admin/reports/{report}/?year={year}&format=csv")
    assert csv.status_code == 200 and b"9999999999999999,99" in csv.data
    if report == "budget":
        assert b"19999999999999999,98" in csv.data  # the grand total, exact
    xlsx = client.get(f"/admin/reports/{report}/?year={year}&format=xlsx")
    assert xlsx.status_code == 200
    assert max(sheet.max_row for sheet in openpyxl.load_workbook(BytesIO(xlsx.data))) > 2
