"""Hostile .xlsx files for the spreadsheet tests: a shared-strings bomb, a row of millions of cells, a DTD."""
import io
import zipfile

from openpyxl import Workbook

HEADER = ["工号", "姓名", "部门", "人员类别", "电话"]


def roster(rows=None) -> bytes:
    """A well-formed roster with a header and `rows`, made by openpyxl."""
    book = Workbook()
    sheet = book.active
    for row in [HEADER] + list(rows or [["H0001", "张三", "信息科", "在编职工", None]]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _replace(data: bytes, name: str, writer) -> bytes:
    """`data` with member `name` written anew by `writer(stream)` (deflated, level 9)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == name:
                with target.open(_info(name), "w", force_zip64=True) as stream:
                    writer(stream)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def shared_strings_bomb(mib: int = 400) -> bytes:
    """A roster whose shared strings inflate to `mib` MiB (one long string repeated)."""
    def write(stream):
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main">')
        item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
        block = item * 1024
        for _ in range(mib):
            stream.write(block)
        stream.write(b"</sst>")
    data = roster()
    data = _replace(data, "xl/sharedStrings.xml", write) if "xl/sharedStrings.xml" in zipfile.ZipFile(
        io.BytesIO(data)).namelist() else _add(data, "xl/sharedStrings.xml", write)
    return data


SHARED_STRINGS_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                       b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


def _add(data: bytes, name: str, writer) -> bytes:
    """`data` with the shared strings member `name` added (and declared, so openpyxl reads it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", SHARED_STRINGS_TYPE)
            target.writestr(item, content)
        with target.open(_info(name), "w", force_zip64=True) as stream:
            writer(stream)
    return out.getvalue()


def wide_row(cells: int = 3_000_000, varied: bool = False) -> bytes:
    """A sheet of one row with `cells` cells (`varied`: random numbers, so it compresses only a few times)."""
    import random
    rng = random.Random(3)

    def write(stream):
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData><row r="1">')
        block = b"<c><v>1</v></c>" * 10_000
        if varied:
            block = b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**6) for _ in range(10_000))
        for _ in range(cells // 10_000):
            stream.write(block)
        stream.write(b"</row></sheetData></worksheet>")
    return _replace(roster(), "xl/worksheets/sheet1.xml", write)


def with_sheet_xml(xml: bytes) -> bytes:
    """A roster whose first sheet is `xml` as given (a DTD, malformed XML)."""
    return _replace(roster(), "xl/worksheets/sheet1.xml", lambda stream: stream.write(xml))


XXE = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>')
MALFORMED = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData>')


def near_the_limits(mib: float = 5) -> bytes:
    """A roster of about `mib` MiB that passes the archive checks: shared strings just under the per-member limit,
    about 1.2 million short distinct strings (the most memory per inflated byte), compressed no more than
    the ratio allows."""
    import random
    from canteen.spreadsheets import MAX_SHARED_STRINGS_BYTES
    rng = random.Random(14)

    def write(stream):
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main">')
        written = 0
        while written < MAX_SHARED_STRINGS_BYTES - 256 * 1024:
            chunk = b"".join(b"<si><t>" + rng.randbytes(3).hex().encode() + b"</t></si>" for _ in range(4096))
            stream.write(chunk)
            written += len(chunk)
        stream.write(b"</sst>")
    data = roster()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    data = (_replace if "xl/sharedStrings.xml" in names else _add)(data, "xl/sharedStrings.xml", write)
    padding = mib * 1024 * 1024 - len(data) - 512  # the member's own headers
    if padding > 0:  # random bytes to reach the size of the upload (stored; they inflate to nothing more)
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as target:
            target.writestr("docProps/padding.bin", rng.randbytes(int(padding)))
        data = out.getvalue()
    return data
