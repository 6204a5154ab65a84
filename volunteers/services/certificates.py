"""志愿服务证明 (民政部《志愿服务记录与证明出具办法》): issued on request for a chosen period, printable and
as a PDF, with a number anyone can check on the public verification page.

The number is 16 random symbols of Crockford's base 32 (80 bits: not guessable, so the
verification page cannot be walked) plus one Luhn mod 32 check symbol, so a mistyped or altered
number is refused before any lookup and reads exactly like a number that was never issued.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass
from decimal import Decimal

import segno
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Region
from portal.errors import DomainError, NotAllowed
from portal.models import User
from portal.scoping import Action, Viewer, can
from volunteers.models import Certificate, RecordStatus, ServiceRecord, Volunteer

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
RANDOM_SYMBOLS = 16  # 16 × 5 = 80 random bits
NUMBER_LENGTH = RANDOM_SYMBOLS + 1
# Crockford's reading of look-alikes, so a number read aloud or copied by hand still verifies.
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
LONGEST_PERIOD = dt.timedelta(days=366 * 30)


def _check_symbol(body: str) -> str:
    """Luhn mod N over base 32: catches every single wrong symbol and most swapped neighbours."""
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return body + _check_symbol(body)


def normalize_number(text: str) -> str | None:
    """The stored form of a number as typed (case, dashes, spaces, look-alikes), or None if it cannot be one."""
    number = "".join(str(text).upper().split()).replace("-", "").translate(LOOK_ALIKES)
    if len(number) != NUMBER_LENGTH or any(char not in ALPHABET for char in number):
        return None
    return number if _check_symbol(number[:-1]) == number[-1] else None


def display_number(number: str) -> str:
    """XXXX-XXXX-XXXX-XXXX-X: easier to read out and type."""
    return "-".join(number[i : i + 4] for i in range(0, len(number), 4))


def certificate_find(number: str) -> Certificate | None:
    normal = normalize_number(number)
    if normal is None:
        return None
    return Certificate.objects.select_related("volunteer").filter(number=normal).first()


def issuer_of(volunteer: Volunteer) -> str:
    """The recording organization: the volunteer's community, named from the city down."""
    codes = [code for code in volunteer.community.path.split("/") if code]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return "".join(names.get(code, "") for code in codes)


def may_issue(actor: Viewer, volunteer: Volunteer) -> bool:
    """The volunteer asks for their own; staff in scope issue for the volunteers of their area."""
    return getattr(actor, "pk", None) == volunteer.user_id or can(actor, Action.CHANGE, volunteer)


def period_records(volunteer: Volunteer, start: dt.date, end: dt.date) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(
        volunteer=volunteer, status=RecordStatus.APPROVED, served_on__range=(start, end)
    ).select_related("event", "team")


@transaction.atomic
def certificate_issue(
    *, actor: User, volunteer: Volunteer, period_start: dt.date, period_end: dt.date
) -> Certificate:
    if not may_issue(actor, volunteer):
        raise NotAllowed(_("只能为本人或辖区内的志愿者出具证明。"))
    if period_start > period_end:
        raise DomainError(_("起始日期不能晚于截止日期。"))
    if period_end > timezone.localdate():
        raise DomainError(_("截止日期不能晚于今天。"))
    if period_end - period_start > LONGEST_PERIOD:
        raise DomainError(_("证明的期间最长 30 年。"))
    totals = period_records(volunteer, period_start, period_end).aggregate(hours=Sum("hours"), n=Count("id"))
    if not totals["n"]:
        raise DomainError(_("该期间没有已确认的服务时长，无法出具证明。"))
    hours = totals["hours"] or Decimal("0")
    # The same request again (two tabs, a double click) gets the certificate already issued.
    issued = volunteer.certificates.filter(
        period_start=period_start, period_end=period_end, hours=hours, records=totals["n"]
    ).first()
    if issued is not None:
        return issued
    certificate = Certificate(
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        hours=hours,
        records=totals["n"],
        issuer=issuer_of(volunteer),
        issued_by=actor,
    )
    for _attempt in range(3):  # 80 random bits: a collision is practically impossible, but cheap to retry
        certificate.number = new_number()
        try:
            with transaction.atomic():
                certificate.save()
            return certificate
        except IntegrityError:
            continue
    raise DomainError(_("证明编号生成失败，请重试。"))


# --- Rendering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateView:
    """What the printable page and the PDF show."""

    certificate: Certificate
    number: str
    name: str
    id_masked: str
    records: list[ServiceRecord]
    verify_url: str


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def render_pdf(view: CertificateView) -> bytes:
    """The certificate as an A4 PDF in reportlab's built-in CJK font (no system font needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{_('志愿服务证明')} {view.number}")
    width, height = A4
    cert = view.certificate
    pdf.setFont("STSong-Light", 22)
    pdf.drawCentredString(width / 2, height - 30 * mm, _("志愿服务证明"))
    pdf.setFont("STSong-Light", 10)
    pdf.drawCentredString(width / 2, height - 38 * mm, _("证明编号：%(n)s") % {"n": view.number})
    lines = [
        _("姓名：%(name)s") % {"name": view.name},
        _("身份证号：%(id)s") % {"id": view.id_masked},
        _("服务期间：%(start)s 至 %(end)s") % {"start": cert.period_start, "end": cert.period_end},
        _("累计服务时长：%(hours)s 小时（%(n)s 次）") % {"hours": cert.hours, "n": cert.records},
    ]
    y = height - 55 * mm
    pdf.setFont("STSong-Light", 12)
    for line in lines:
        pdf.drawString(25 * mm, y, line)
        y -= 8 * mm
    y = _draw_records(pdf, view.records, y - 4 * mm, 25 * mm, mm)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(25 * mm, 50 * mm, _("出具单位：%(issuer)s") % {"issuer": cert.issuer})
    issued = timezone.localtime(cert.issued_at).date()
    pdf.drawString(25 * mm, 42 * mm, _("出具日期：%(date)s") % {"date": issued})
    pdf.setFont("STSong-Light", 9)
    pdf.drawString(25 * mm, 30 * mm, _("扫描右侧二维码或访问以下地址核验："))
    pdf.drawString(25 * mm, 25 * mm, view.verify_url)
    _draw_qr(pdf, view.verify_url, width - 60 * mm, 22 * mm, 36 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


MAX_PDF_ROWS = 25


def _draw_records(pdf, records: list[ServiceRecord], y: float, x: float, mm: float) -> float:
    pdf.setFont("STSong-Light", 10)
    pdf.drawString(x, y, _("服务日期"))
    pdf.drawString(x + 30 * mm, y, _("服务内容"))
    pdf.drawString(x + 140 * mm, y, _("时长（小时）"))
    for record in records[:MAX_PDF_ROWS]:
        y -= 6 * mm
        pdf.drawString(x, y, record.served_on.isoformat())
        pdf.drawString(x + 30 * mm, y, record.description[:40])
        pdf.drawRightString(x + 160 * mm, y, str(record.hours))
    if len(records) > MAX_PDF_ROWS:
        y -= 6 * mm
        more = len(records) - MAX_PDF_ROWS
        pdf.drawString(x, y, _("……另有 %(n)s 条服务记录，详见核验页面的总时长。") % {"n": more})
    return y


def _draw_qr(pdf, url: str, x: float, y: float, size: float) -> None:
    # The modules drawn as squares: vector-sharp, and no image library involved.
    matrix = [list(row) for row in segno.make(url, error="m").matrix_iter(border=2)]
    cell = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1
                )
