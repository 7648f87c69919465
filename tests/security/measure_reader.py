"""Run as a script: read one spreadsheet file through the guarded reader and print how much the process grew.

``python -m tests.security.measure_reader FILE`` prints ``<outcome> <growth of the peak RSS in KiB>`` where the
growth is measured from just before the file is read (imports and the file's bytes already in memory). The peak
is the kernel's high-water mark of this process's memory (``VmHWM``, which starts afresh at exec; ``ru_maxrss``
would carry the parent's peak over).
"""
import resource
import sys


def peak_kib() -> int:
    """The process's peak resident memory so far, KiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from canteen.spreadsheets import SpreadsheetRefused, read_rows


def main(path: str) -> None:
    with open(path, "rb") as stream:
        data = stream.read()
    before = peak_kib()
    try:
        outcome = f"read:{len(read_rows(data, max_rows=5002))}"
    except SpreadsheetRefused as refused:
        outcome = "refused:" + refused.reason.replace(" ", "_")
    grown = peak_kib() - before
    print(outcome, grown)


if __name__ == "__main__":
    main(sys.argv[1])
