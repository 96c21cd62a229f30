"""The SOP document itself, as the office knows it; each revision is a new version, the
earlier ones are kept."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, func, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .contracts import AgencyScoped
from .db import UTCDateTime, db
from .users import User

#: SOP 100/TKPBET.DKI/2020 as printed (shared/sop/sop-original.txt).
ORIGINAL = dict(
    number="SOP 100 / TKPBET.DKI / 2020",
    name="PERMOHONAN PEMBUATAN/PENINGKATAN APLIKASI",
    created_on=date(2020, 2, 3), revised_on=date(2020, 8, 13), effective="2020",
    approver_name="Dr. H. L. RAY INDRA MULYA, MM",
    approver_title="Kepala Dinas Komunikasi dan Informatika Kota Pontianak, Pembina Utama Muda",
    approver_nip="19610329 198903 1 004",
    legal_basis="\n".join([
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        "Peraturan Pemerintah No. 96 Tahun 2012 tentang Pelaksanaan Undang-Undang No. 25 Tahun "
        "2009 tentang Pelayanan Publik",
        "Peraturan Daerah No. 2 Tahun 2010 tentang Pelayanan Publik Pemerintah Kota Pontianak",
        "Peraturan Walikota Nomor 25 Tahun 2019 tentang Masterplan Pontianak Smart City Tahun "
        "2019-2028",
        "Peraturan Walikota Nomor 67 Tahun 2019 tentang Penyelenggaraan Sistem Pemerintahan "
        "Berbasis Elektronik di Lingkungan Pemerintah Kota Pontianak"]),
    qualifications="\n".join([
        "Memahami tentang Aplikasi / Sistem Informasi",
        "Memahami tentang pengadaan barang dan jasa",
        "Memahami serta mentaati aturan-aturan yang telah ditetapkan"]),
    related="\n".join([
        "SK Walikota Nomor 162/DKI/Tahun 2020 Pembentukan Tim Koordinasi dan Kelompok Kerja "
        "Evaluator Internal Sistem Pemerintahan Berbasis Elektronik di Lingkungan Pemerintah "
        "Kota Pontianak Tahun 2020",
        "Nomor 161/DKI/Tahun 2020 tentang Pembentukan Tim Teknis Pontianak Smart City"]),
    equipment="\n".join(["Surat Permohonan Pembuatan Aplikasi / Sistem Informasi",
                         "Alat Tulis Kantor", "Komputer, TV, Proyektor, Internet, dll"]),
    warning="Bila adanya kerusakan pada perangkat / peralatan di Ruang Rapat Pontive Center agar "
            "segera diperbaiki guna mendukung kelancaran kegiatan-kegiatan yang akan "
            "dilaksanakan",
    records="\n".join(["Membuat dokumen untuk penganggaran pembuatan/peningkatan aplikasi",
                       "Membuat laporan tahunan Aplikasi"]),
)


class SopDocument(AgencyScoped, db.Model):
    __tablename__ = "sop_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    number: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    created_on: Mapped[date] = mapped_column(Date)
    revised_on: Mapped[date | None] = mapped_column(Date)
    effective: Mapped[str] = mapped_column(String(50))
    approver_name: Mapped[str] = mapped_column(String(150))
    approver_title: Mapped[str] = mapped_column(String(200))
    approver_nip: Mapped[str | None] = mapped_column(String(25))
    legal_basis: Mapped[str] = mapped_column(Text)
    qualifications: Mapped[str] = mapped_column(Text)
    related: Mapped[str] = mapped_column(Text)
    equipment: Mapped[str] = mapped_column(Text)
    warning: Mapped[str] = mapped_column(Text)
    records: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    recorded_by: Mapped[User | None] = relationship()

    def __str__(self):
        return f"{self.number} (v{self.version})"

    @classmethod
    def agency_scope(cls, agency_id):
        return true()  # the SOP is public: every agency may read it

    @classmethod
    def current(cls, session):
        return session.scalar(select(cls).order_by(cls.version.desc()).limit(1))

    def lines(self, field: str) -> list[str]:
        return [line for line in (getattr(self, field) or "").splitlines() if line.strip()]

    def before_save(self, at, by) -> None:
        """A revision is a new version; the earlier ones stay as they were."""
        if self.version is None:
            last = db.session.scalar(select(func.max(SopDocument.version)))
            self.version = (last or 0) + 1
            self.recorded_at, self.recorded_by = at, by


def load_sop_document(session) -> None:
    """The printed SOP as version 1, where no version exists yet."""
    if SopDocument.current(session) is None:
        session.add(SopDocument(version=1, **ORIGINAL))
