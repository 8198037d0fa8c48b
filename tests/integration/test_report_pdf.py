#!/usr/bin/env python3
# test_report_pdf.py - report.html printed to PDF by headless Chromium: Vietnamese text, tables, pages, margins.
#
# Two reports are printed: the hand-built sample (tests/unit/html_sample,
# 17 cultural houses) and one made by `xanetctl report` from a real
# database (xanetd starts once to make it, then state intervals are
# written with sqlite3). Each PDF is read back with pdftotext (text and
# table heads intact, heads repeated on every page a table continues
# on), pdfinfo (A4, page count) and pdftoppm (the outer margin of every
# page is white, so nothing was cut at a page edge). PNG pages are read
# with zlib: no imaging library needed. A deliberately too-wide page
# proves the margin check can fail. Artifacts go to
# $XANET_BUILDDIR/artifacts/report_pdf/.
import datetime
import html as htmllib
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, builddir, device_section,  # noqa: E402
                    minimal_config)
from xtest import (between, contains, eq, fail, is_root, lt,  # noqa: E402
                   ok, run, skip, test)

TZ = datetime.timezone(datetime.timedelta(hours=7))
ZERO = b"\0" * 32
M, H, D = 60000, 3600000, 86400000
DPI = 50
# The @page margin is 15 mm; 12 mm of it must stay blank on every side.
BLANK_MM = 12
ART = os.path.join(builddir(), "artifacts", "report_pdf")

TABLE_HEADS_VI = [
    # summary, coverage, devices, daily, outages, alerts, chains
    "Chỉ tiêu", "Giá trị", "Mục tiêu", "Kết quả", "Chi tiết",
    "Hạng mục", "Độ phủ giám sát",
    "Thiết bị", "Loại", "Thời gian hoạt động", "Thời gian mất kết nối",
    "Số lần mất", "Lâu nhất",
    "Bắt đầu", "Kết thúc", "Thời lượng", "Nguyên nhân",
    "Sự kiện", "Số lần", "Thời điểm", "Mức độ",
    "Chuỗi băm", "Đầu chuỗi (SHA-256)",
]
SECTIONS_VI = [
    "Báo cáo giám sát mạng", "1. Tóm tắt các chỉ tiêu",
    "2. Độ phủ giám sát", "3. Thời gian hoạt động theo thiết bị",
    "4. Khả dụng theo ngày", "5. Chất lượng đường truyền Internet",
    "6. Danh sách sự cố mất kết nối", "7. Cảnh báo",
    "8. Máy trong mạng LAN", "9. Phòng chống mã độc",
    "10. Cách tính các số liệu",
]


def L(y, mo, d, h=0, mi=0):
    """UTC ms of a local (UTC+7) time."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=TZ).timestamp()
               * 1000)


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def need_tools():
    missing = [t for t in ("pdftotext", "pdfinfo", "pdftoppm")
               if not shutil.which(t)]
    if not chromium_path():
        missing.insert(0, "chromium")
    if missing:
        skip("not installed: %s (Debian: chromium, poppler-utils)"
             % ", ".join(missing))


def out(*args, timeout=120):
    r = subprocess.run(list(args), capture_output=True, timeout=timeout)
    if r.returncode != 0:
        fail("%s exited %d:\n%s" % (args[0], r.returncode,
                                     r.stderr.decode("utf-8", "replace")))
    return r.stdout.decode("utf-8", "replace")


def print_pdf(html, pdf):
    """HTML printed by headless Chromium (as root it needs --no-sandbox)."""
    if os.path.exists(pdf):
        os.unlink(pdf)
    with tempfile.TemporaryDirectory(prefix="xtest-chromium-") as prof:
        r = subprocess.run(
            [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run",
             "--user-data-dir=" + prof, "--no-pdf-header-footer",
             "--print-to-pdf=" + pdf, "file://" + os.path.abspath(html)],
            capture_output=True, timeout=180,
            env=dict(os.environ, HOME=prof))
    if r.returncode != 0 or not os.path.exists(pdf):
        fail("chromium did not print %s (exit %d):\n%s" % (
            html, r.returncode, r.stderr.decode("utf-8", "replace")[-3000:]))
    with open(pdf, "rb") as f:
        ok(f.read(5) == b"%PDF-", "a PDF was written")


def pdf_info(pdf):
    info = {}
    for line in out("pdfinfo", pdf).splitlines():
        k, _, v = line.partition(":")
        info[k.strip()] = v.strip()
    return info


def png_read(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB/RGBA/grey PNG."""
    with open(path, "rb") as f:
        data = f.read()
    ok(data[:8] == b"\x89PNG\r\n\x1a\n", "%s is a PNG" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or interlace != 0 or ctype not in (0, 2, 6):
        fail("%s: unsupported PNG (depth %d, type %d, interlace %d)"
             % (path, depth, ctype, interlace))
    bpp = {0: 1, 2: 3, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ft == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ft == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        elif ft != 0:
            fail("%s: bad PNG filter %d" % (path, ft))
        # Filters work on the stored bytes: the next row needs all of them.
        prev = line
        if bpp == 4:
            rgb = bytearray(line)
            del rgb[3::4]
        elif bpp == 1:
            rgb = bytearray(v for v in line for _ in range(3))
        else:
            rgb = line
        rows.append(bytes(rgb))
    return w, h, rows


def margin_dirt(path, band):
    """Non-white pixels in the outer BAND pixels of the page image PATH:
    a list of (x, y) samples, empty when the margin is blank."""
    w, h, rows = png_read(path)
    dirt = []

    def dirty(row, x):
        return min(row[3 * x:3 * x + 3]) < 235

    for y in range(h):
        row = rows[y]
        xs = range(w) if y < band or y >= h - band else \
            list(range(band)) + list(range(w - band, w))
        for x in xs:
            if dirty(row, x):
                dirt.append((x, y))
                if len(dirt) > 20:
                    return dirt
    return dirt


def page_inked(path, band):
    """True if the inside of the page has anything on it."""
    w, h, rows = png_read(path)
    for y in range(band, h - band, 3):
        row = rows[y]
        for x in range(band, w - band, 3):
            if min(row[3 * x:3 * x + 3]) < 128:
                return True
    return False


def page_images(pdf, prefix):
    for f in os.listdir(os.path.dirname(prefix)):
        if f.startswith(os.path.basename(prefix) + "-") and \
                f.endswith(".png"):
            os.unlink(os.path.join(os.path.dirname(prefix), f))
    out("pdftoppm", "-r", str(DPI), "-png", pdf, prefix)
    d = os.path.dirname(prefix)
    return sorted((os.path.join(d, f) for f in os.listdir(d)
                   if f.startswith(os.path.basename(prefix) + "-")
                   and f.endswith(".png")),
                  key=lambda p: int(p.rsplit("-", 1)[1][:-4]))


WORD_RE = re.compile(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" '
                     r'xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>')
PAGE_RE = re.compile(r'<page width="([0-9.]+)" height="([0-9.]+)">')


def word_boxes(pdf):
    """[(page, width, height, x0, y0, x1, y1, word)] in points."""
    text = out("pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-")
    words, page, size = [], 0, (0.0, 0.0)
    for m in re.finditer(PAGE_RE.pattern + "|" + WORD_RE.pattern, text):
        if m.group(1) is not None:
            page += 1
            size = (float(m.group(1)), float(m.group(2)))
            continue
        x0, y0, x1, y1 = (float(m.group(i)) for i in range(3, 7))
        words.append((page, size[0], size[1], x0, y0, x1, y1,
                      htmllib.unescape(m.group(7))))
    return words


def title_height(pdf, word):
    """Height in points of the first WORD: the h1 is 16 pt, so about 18.6
    pt; Chromium shrinks a page that is too wide, and it with it."""
    for w in word_boxes(pdf):
        if w[7] == word:
            return w[6] - w[4]
    fail("%r not found in %s" % (word, pdf))


def check_pdf(t, pdf, pages, phrases, heads, row_marker):
    """The checks every printed report gets; returns the layout text."""
    info = pdf_info(pdf)
    t.note("%s: %s pages, %s" % (os.path.basename(pdf), info.get("Pages"),
                                 info.get("Page size")))
    contains(info.get("Page size", ""), "(A4)", "page size")
    between(int(info["Pages"]), pages[0], pages[1], "page count")

    layout = out("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-")
    with open(pdf[:-4] + ".txt", "w", encoding="utf-8") as f:
        f.write(layout)
    # Headings stay on one line in the layout text; cells wrap inside
    # narrow columns, so they are compared with the reading order text,
    # white space collapsed.
    for p in SECTIONS_VI[:2]:
        contains(layout, p, "pdftotext -layout")
    flow = " ".join(out("pdftotext", "-enc", "UTF-8", pdf, "-").split())
    for p in phrases:
        contains(flow, p, "pdftotext")
    for hd in heads:
        contains(flow, hd, "table head")
    # Not shrunk to fit (something too wide), and every word inside the
    # 15 mm margins.
    between(title_height(pdf, "Báo"), 15, 24, "title height (pt)")
    margin = 15 / 25.4 * 72 - 1
    for page, pw, ph, x0, y0, x1, y1, word in word_boxes(pdf):
        if x0 < margin or y0 < margin or x1 > pw - margin or \
                y1 > ph - margin:
            fail("page %d: %r at (%.1f,%.1f)-(%.1f,%.1f) is in the margin"
                 % (page, word, x0, y0, x1, y1))
    # A table going on over a page break repeats its head there.
    for n, page in enumerate(layout.split("\f"), 1):
        if row_marker in page and "Thiết bị" not in page:
            fail("page %d has table rows (%s) but no table head:\n%s"
                 % (n, row_marker, page[:1500]))

    band = int(BLANK_MM / 25.4 * DPI)
    imgs = page_images(pdf, pdf[:-4])
    eq(len(imgs), int(info["Pages"]), "page images")
    for img in imgs:
        dirt = margin_dirt(img, band)
        if dirt:
            fail("%s: ink in the %d mm margin at %s" % (img, BLANK_MM,
                                                          dirt[:5]))
        ok(page_inked(img, band), "%s has content" % img)
    # The margin check sees ink where there is some.
    ok(margin_dirt(imgs[0], band * 4), "ink found in a band of content")
    return layout


@test(timeout=300)
def sample_report_prints(t):
    need_tools()
    os.makedirs(ART, exist_ok=True)
    html = os.path.join(ART, "sample.html")
    out(os.path.join(builddir(), "tests", "unit", "html_sample"), html, "vi")
    pdf = os.path.join(ART, "sample.pdf")
    print_pdf(html, pdf)
    layout = check_pdf(
        t, pdf, (5, 14),
        SECTIONS_VI + ["UBND xã Tân Hòa", "Tỉnh Đắk Lắk",
                       "01/07/2026 – 30/09/2026",
                       "Nhà văn hóa thôn Đông Hưng",
                       "Nhà văn hóa buôn Kô Siêr",
                       "Nhóm (thôn): Thôn Lạc Thiện",
                       "Hết thời gian chờ (không phản hồi)",
                       "đang diễn ra", "Chưa xây dựng",
                       "Chưa có dữ liệu LAN", "xanetctl verify --db"],
        TABLE_HEADS_VI, "ap-0")
    # Numbers as printed: decimal comma, truncated.
    contains(layout, "99,12 %", "indicator value")
    contains(layout, "≥ 95,00 %", "indicator target")


@test(timeout=300)
def english_sample_prints(t):
    need_tools()
    os.makedirs(ART, exist_ok=True)
    html = os.path.join(ART, "sample-en.html")
    out(os.path.join(builddir(), "tests", "unit", "html_sample"), html, "en")
    pdf = os.path.join(ART, "sample-en.pdf")
    print_pdf(html, pdf)
    info = pdf_info(pdf)
    between(int(info["Pages"]), 5, 14, "page count")
    layout = out("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-")
    for p in ("Network monitoring report", "2026-07-01 – 2026-09-30",
              "How the figures are computed", "Nhà văn hóa thôn Đông Hưng",
              "99.12 %"):
        contains(layout, p, "pdftotext -layout")


@test(timeout=300)
def too_wide_is_detected(t):
    """A page with a block wider than A4 is shrunk to fit by Chromium (its
    text gets small): the title height check must see it."""
    need_tools()
    os.makedirs(ART, exist_ok=True)
    html = os.path.join(ART, "too-wide.html")
    with open(html, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\">"
                "<style>@page{size:A4;margin:15mm}body{margin:0}"
                "h1{font-size:16pt}</style><h1>Báo cáo</h1>"
                "<div style=\"width:300mm\">quá rộng</div></html>")
    pdf = os.path.join(ART, "too-wide.pdf")
    print_pdf(html, pdf)
    h = title_height(pdf, "Báo")
    t.note("title height when too wide: %.1f pt" % h)
    lt(h, 15, "title height (pt) of a page shrunk to fit")


# --- a report from a real database ---------------------------------------

DEVICES = [
    # key, name, kind, group
    ("router-ubnd", "Bộ định tuyến UBND xã", "router", "Trụ sở UBND xã"),
    ("ap-01", "Nhà văn hóa thôn Đông Hưng", "wifi-ap", "Thôn Đông Hưng"),
    ("ap-02", "Nhà văn hóa thôn Tây Sơn", "wifi-ap", "Thôn Tây Sơn"),
    ("ap-03", "Nhà văn hóa buôn Ea Sô", "wifi-ap", "Buôn Ea Sô"),
    ("ap-04", "Nhà văn hóa thôn Phước Lộc", "wifi-ap", "Thôn Phước Lộc"),
]


def db_fixture(t):
    """A stopped xanetd's database with 2026Q3 intervals and alerts."""
    secs = [device_section(k, n, kind, address="127.0.0.%d" % i, group=g)
            for i, (k, n, kind, g) in enumerate(DEVICES, 1)]
    d = Daemon(minimal_config(secs, site="UBND xã Tân Hòa"),
               prefix="xtest-pdf-")
    t.defer(d.close)
    d.start()
    d.wait_ready()
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(10), 0, "xanetd exit status after SIGTERM")
    db = sqlite3.connect(d.db_path, timeout=10)
    t.defer(db.close)
    ids = {k: i for k, i in db.execute("SELECT key, id FROM device")}
    db.execute("DELETE FROM state_interval")
    db.execute("DELETE FROM alert")
    db.execute("UPDATE device SET added_ms = ?", (L(2026, 6, 1),))
    qs, qe = L(2026, 7, 1), L(2026, 10, 1)
    # The monitor ran over the whole quarter.
    db.execute("INSERT INTO monitor_run (start_ms, last_alive_ms, stop_ms, "
               "stop_reason, version, config_hash) VALUES (?,?,?,?,?,?)",
               (L(2026, 6, 1), qe + 2 * D, qe + 2 * D, "stop", "test", ""))
    for n, (key, *_rest) in enumerate(DEVICES):
        rows, at = [], L(2026, 6, 1)
        # Outages on a few days, longer for later devices; one crosses
        # local midnight.
        for day in (3, 17, 40, 41, 70):
            start = qs + day * D + (n + 1) * H
            if day == 41:
                start = qs + day * D - 10 * M
            rows.append((at, start, "up", None))
            rows.append((start, start + (n + 1) * 20 * M, "down",
                         "timeout" if day != 40 else "refused"))
            at = start + (n + 1) * 20 * M
        rows.append((at, qe + 2 * D, "up", None))
        for start, end, state, cause in rows:
            db.execute(
                "INSERT INTO state_interval (device_id, state, start_ms, "
                "end_ms, cause, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                (ids[key], state, start, end, cause, ZERO, ZERO))
        db.execute(
            "INSERT INTO alert (ts_ms, severity, event, device_id, details, "
            "prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
            (qs + 3 * D + (n + 1) * H, "err", "down", ids[key],
             "cause=timeout", ZERO, ZERO))
    db.commit()
    return d


@test(timeout=300)
def xanetctl_report_prints(t):
    need_tools()
    if not is_root():
        skip("xanetd needs root to start (it drops privileges)")
    d = db_fixture(t)
    outdir = os.path.join(ART, "xanetctl")
    shutil.rmtree(outdir, ignore_errors=True)
    r = d.ctl("report", "--quarter", "2026Q3", "--out", outdir, timeout=60)
    if r.returncode != 0:
        fail("xanetctl report exited %d:\n%s%s" % (r.returncode, r.stdout,
                                                   r.stderr))
    html = os.path.join(outdir, "report.html")
    ok(os.path.exists(html), "report.html written")
    pdf = os.path.join(ART, "xanetctl.pdf")
    print_pdf(html, pdf)
    layout = check_pdf(
        t, pdf, (3, 12),
        SECTIONS_VI + ["UBND xã Tân Hòa", "01/07/2026 – 30/09/2026",
                       "Nhà văn hóa thôn Đông Hưng",
                       "Nhà văn hóa thôn Phước Lộc",
                       "Nhóm (thôn): Buôn Ea Sô",
                       "Kết nối bị từ chối",
                       "Giám sát thiết bị (xanetd) 100,00 %"],
        ["Thiết bị", "Loại", "Thời gian hoạt động", "Độ phủ giám sát",
         "Số lần mất", "Bắt đầu", "Kết thúc", "Nguyên nhân",
         "Chuỗi băm"],
        "ap-0")
    # 5 outages each, the router's are 20 min: 100 min down.
    contains(layout, "1 giờ 40 phút", "ap-01's down time")


run()
