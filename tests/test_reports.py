"""Reports against the standard: pure computation checked against a per-row reference,
downloads that open cleanly, the command line, and the row scope."""

from datetime import date, datetime, timedelta
from io import BytesIO

import numpy as np
import openpyxl
import pandas as pd
import pytest

from models import LetterStatus, Role, db
from models.calendar import RAMADAN_WEEK, SpecialPeriod, WorkCalendar, national_holidays
from reports.durations import compliance, overdue_now, step_durations
from reports.export import to_csv, to_xlsx

from .builders import make_agency, make_letter, staff

CALENDAR = WorkCalendar(holidays=national_holidays([2024, 2025]), special=(
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
    """Obviously correct, one step at a time."""
    end = row.finished_at if pd.notna(row.finished_at) else AS_OF
    working = CALENDAR.working_minutes(row.started_at.to_pydatetime(), end.to_pydatetime())
    paused = row.paused_minutes + (CALENDAR.working_minutes(
        row.paused_since.to_pydatetime(), AS_OF.to_pydatetime())
        if pd.notna(row.paused_since) else 0)
    net = working - paused
    return ((end - row.started_at).total_seconds() / 60, working, paused, net,
            net <= row.standard_minutes)


def test_step_durations_match_a_per_row_reference_on_thousands_of_steps():
    steps = _random_steps(3000)
    result = step_durations(steps, CALENDAR, AS_OF)
    expected = pd.DataFrame([_reference(r) for r in steps.itertuples()],
                            columns=["clock_minutes", "working_minutes", "paused_minutes",
                                     "net_minutes", "within_standard"])
    for column in expected:
        assert np.allclose(result[column].astype(float), expected[column].astype(float)), column
    assert (result["open"] == steps["finished_at"].isna()).all()


def test_compliance_counts_medians_and_trend():
    steps = _random_steps(2000)
    now, before = step_durations(steps, CALENDAR, AS_OF), step_durations(
        _random_steps(2000, seed=8), CALENDAR, AS_OF)
    table = compliance(now, "step", previous=before).set_index("step")
    done = now[~now["open"]]
    for step, group in done.groupby("step"):
        assert table.loc[step, "count"] == len(group)
        assert table.loc[step, "median_minutes"] == pytest.approx(group["net_minutes"].median())
        share = group["within_standard"].mean() * 100
        assert table.loc[step, "share_within"] == pytest.approx(share)
        earlier = before[(~before["open"]) & (before["step"] == step)]
        assert table.loc[step, "trend_points"] == pytest.approx(
            share - earlier["within_standard"].mean() * 100)


def test_overdue_lists_running_steps_past_due_oldest_first():
    durations = step_durations(_random_steps(500), CALENDAR, AS_OF)
    late = overdue_now(durations, CALENDAR, AS_OF)
    assert late["open"].all() and late["paused_since"].isna().all()
    assert (late["due_at"] < AS_OF).all() and late["due_at"].is_monotonic_increasing
    assert (late["minutes_past_due"] >= 0).all()


def test_downloads_neutralize_formulas_and_keep_real_cells():
    frame = pd.DataFrame({"Nama": ["=HYPERLINK(\"http://x\")", "+1", "aman"],
                          "Menit": [1.5, 2.0, 3.0],
                          "Mulai": pd.to_datetime(["2025-01-02 08:00"] * 3).tz_localize(
                              "Asia/Pontianak")})
    csv = to_csv(frame)
    assert csv.startswith(b"\xef\xbb\xbf")
    text = csv.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "2025-01-02T08:00:00+0700" in text
    book = openpyxl.load_workbook(BytesIO(to_xlsx(frame, "Uji")))
    sheet = book["Uji"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")"
    assert isinstance(sheet["B2"].value, float)
    assert sheet["C2"].value == datetime(2025, 1, 2, 8, 0)


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
    rows = pd.read_csv(output, encoding="utf-8-sig")
    assert len(rows) == 6 and list(rows.columns)[:4] == ["No. Agenda", "No. Surat",
                                                          "Kode OPD", "Langkah"]


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
    assert csv.mimetype == "text/csv" and b"150000000.00" in csv.data


def test_the_annual_report_counts_requests_decisions_and_budget(client, login_as,
                                                                budgeted_year):
    login_as(Role.KADIS)
    page = client.get("/admin/reports/annual/?year=2025").get_data(as_text=True)
    assert "Laporan Tahunan Aplikasi" in page
    assert "Dinas Kesehatan" in page and "Dinas Sosial" in page
    assert "Sudah ada aplikasi serupa" in page  # the rejection's reason
    assert ">nan<" not in page and "<NA>" not in page and "2.026" not in page
    assert "Rp 150.000.000" in page
    xlsx = client.get("/admin/reports/annual/?year=2025&format=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(xlsx.data)).active
    assert sheet.max_row == 4  # header and three requests


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
    assert "Program,2.16.03" in text and "Sub-kegiatan," in text
    assert ",nan" not in text and "sub_kegiatan" not in text


def test_the_leaders_home_page_shows_this_years_compliance_charts(client, login_as):
    login_as(Role.SUPERVISOR)
    assert client.get("/admin/").get_data(as_text=True).count("<svg") == 2
    client.post("/auth/logout")
    client.logged_in = False
    login_as(Role.CLERK)
    assert "<svg" not in client.get("/admin/").get_data(as_text=True)


def test_open_steps_are_measured_up_to_a_now_finer_than_their_stored_seconds(app):
    """Times stored to the second parse as seconds; "now" has microseconds: the loader keeps
    both in one unit, so filling an open step's end with "now" is exact, not an error."""
    from admin_views.reports import Period, durations_for
    from reports.load import TIME_COLUMNS
    make_letter(agency=make_agency(), status=LetterStatus.AT_KABID)
    db.session.commit()
    as_of = pd.Timestamp("2025-03-03 02:00:00.123456", tz="UTC")
    durations = durations_for(Period(date(2025, 1, 1), date(2025, 12, 31)),
                              staff(Role.SUPERVISOR), as_of)
    assert all(durations[c].dt.unit == "us" for c in TIME_COLUMNS)
    assert durations["open"].any() and (durations["clock_minutes"] > 0).all()
