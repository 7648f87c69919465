"""The one reader of uploaded spreadsheets (.xlsx): hostile files are refused before they are parsed.

An .xlsx is a zip of XML files. A small upload can inflate to gigabytes (shared strings of 400 MiB in a 1.4 MiB
file, a row of 3,000,000 cells in 86 KiB) or carry a DTD (XML entity expansion, external entities). So, before
openpyxl sees a byte, :func:`check_archive` reads the archive's directory and refuses:

* more than :data:`MAX_MEMBERS` members;
* a member that inflates beyond :data:`MAX_MEMBER_BYTES`, or all of them beyond :data:`MAX_TOTAL_BYTES`;
* a member larger than 1 MiB inflated that is more than :data:`MAX_RATIO` times its compressed size;
* shared strings beyond :data:`MAX_SHARED_STRINGS_BYTES` (openpyxl keeps them all in memory, about seven times
  their size);
* any XML member with a ``<!DOCTYPE`` or ``<!ENTITY`` (no spreadsheet needs one), or a row longer than
  :data:`MAX_ROW_BYTES` (openpyxl builds a whole row at once), read in small chunks.

Declared sizes cannot lie: :mod:`zipfile` stops at the declared size and fails the CRC check. Then the
workbook is opened read-only (streamed; openpyxl parses its XML with defusedxml when it is installed, and it
is a dependency) and :func:`rows` yields at most `max_rows` rows of at most `max_columns` cells, refusing the
file as soon as there are more. Every refusal is a :class:`SpreadsheetRefused` (``spreadsheet_refused``, 400).
"""
import io
import re
import zipfile

from openpyxl import load_workbook

from canteen.errors import DomainError

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 24 * 1024 * 1024
MAX_TOTAL_BYTES = 48 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 12 * 1024 * 1024
MAX_ROW_BYTES = 256 * 1024
MAX_RATIO = 100
#: Members this small may compress as well as they like.
RATIO_FREE_BYTES = 1024 * 1024
MAX_COLUMNS = 64
_DTD = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]|</(?:\w+:)?sheetData>")
_CHUNK = 64 * 1024


class SpreadsheetRefused(DomainError):
    """The file is not a spreadsheet we read: too large inflated, too many rows or cells, a DTD, malformed."""

    def __init__(self, reason: str):
        super().__init__("spreadsheet_refused", reason)
        self.reason = reason


def check_archive(data: bytes) -> None:
    """Refuse a zip bomb, a DTD or a file that is not a zip, without parsing any XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetRefused("不是有效的 .xlsx 文件") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise SpreadsheetRefused(f"压缩包内文件过多（{len(members)} 个）")
        if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise SpreadsheetRefused(f"解压后超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB")
        for member in members:
            if member.file_size > MAX_MEMBER_BYTES:
                raise SpreadsheetRefused(f"{member.filename[:40]} 解压后超过 {MAX_MEMBER_BYTES // 1024 // 1024} MB")
            if member.filename.endswith("sharedStrings.xml") and member.file_size > MAX_SHARED_STRINGS_BYTES:
                raise SpreadsheetRefused(f"共享字符串解压后超过 {MAX_SHARED_STRINGS_BYTES // 1024 // 1024} MB")
            if member.file_size > RATIO_FREE_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise SpreadsheetRefused(f"{member.filename[:40]} 压缩比异常")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _scan(archive, member)


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Read one XML member in chunks: refuse a DTD or entity, and a row longer than :data:`MAX_ROW_BYTES`."""
    tail, offset, last_row = b"", 0, None
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if _DTD.search(window):
                    raise SpreadsheetRefused(f"{member.filename[:40]} 含有 DTD 或实体声明")
                start = offset - len(tail)
                for match in _ROW.finditer(window):
                    at = start + match.start()
                    if last_row is not None and at - last_row > MAX_ROW_BYTES:
                        raise SpreadsheetRefused(f"{member.filename[:40]} 中有一行过长")
                    if match.group().startswith(b"</"):
                        last_row = None  # the rows end here
                    elif last_row is None or at > last_row:
                        last_row = at
                offset += len(chunk)
                tail = chunk[-16:]
                if last_row is not None and offset - last_row > MAX_ROW_BYTES + _CHUNK:
                    raise SpreadsheetRefused(f"{member.filename[:40]} 中有一行过长")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise SpreadsheetRefused("压缩包已损坏") from None
    except RuntimeError:  # an encrypted member
        raise SpreadsheetRefused("压缩包已加密") from None


def open_workbook(data: bytes, *, data_only: bool = True):
    """The workbook, opened read-only after :func:`check_archive`; the caller closes it."""
    check_archive(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SpreadsheetRefused("不是有效的 .xlsx 文件") from None


def rows(sheet, *, max_rows: int, max_columns: int = MAX_COLUMNS, values_only: bool = False):
    """The rows of a read-only sheet, streamed; refuses the file past `max_rows` rows or `max_columns` cells
    a row, and when its XML turns out malformed."""
    try:
        for line, cells in enumerate(sheet.iter_rows(values_only=values_only), 1):
            if line > max_rows:
                raise SpreadsheetRefused(f"行数超过上限 {max_rows - 1}")
            if len(cells) > max_columns:
                if any((c if values_only else getattr(c, "value", None)) not in (None, "") for c in cells[max_columns:]):
                    raise SpreadsheetRefused(f"第 {line} 行超过 {max_columns} 列")
                cells = cells[:max_columns]
            yield cells
    except SpreadsheetRefused:
        raise
    except Exception:  # malformed XML, a bad cell reference, a forbidden entity met by defusedxml
        raise SpreadsheetRefused("表格内容格式异常") from None


def read_rows(data: bytes, *, max_rows: int, max_columns: int = MAX_COLUMNS, data_only: bool = True) -> list:
    """The first sheet's rows as tuples of values (at most `max_rows`), the workbook closed again."""
    book = open_workbook(data, data_only=data_only)
    try:
        if not book.worksheets:
            raise SpreadsheetRefused("文件中没有工作表")
        return [tuple(r) for r in rows(book.worksheets[0], max_rows=max_rows, max_columns=max_columns,
                                       values_only=True)]
    finally:
        book.close()
