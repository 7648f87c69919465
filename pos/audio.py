"""The terminal's sounds: a beep and Mandarin voice prompts, shipped under ``pos/static/audio/``.

Regenerate them with ``python -m pos.audio`` (needs ``espeak-ng`` with its ``cmn`` voice; apt-get install
espeak-ng). Prompts are spoken by espeak-ng, then halved to 11025 Hz mono 16-bit WAV here so the whole set stays
small; the beeps are sine tones written with the standard library's :mod:`wave`. Nothing is fetched at run time.
"""
from __future__ import annotations

import math
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from array import array
from pathlib import Path

AUDIO_DIR = Path(__file__).parent / "static" / "audio"
RATE = 11025

#: File name (without .wav) -> the sentence spoken. `pos.outcomes.SOUNDS` names these.
PROMPTS = {
    "tap": "请刷卡", "ok": "扣款成功", "insufficient": "余额不足", "lost": "此卡已挂失",
    "disabled": "此卡已停用", "unknown": "未登记的卡", "repeated": "请勿重复刷卡",
    "no_meal": "现在不是就餐时间", "limit": "已达就餐上限", "read_error": "读卡失败，请重新刷卡",
    "offline": "网络故障，请到收银台", "failed": "刷卡失败", "top_up_ok": "充值成功",
}


def _write(path: Path, samples: array, rate: int = RATE) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def tone(path: Path, notes: list[tuple[float, float]], volume: float = 0.5) -> None:
    """A beep of (frequency Hz, seconds) notes with short fades, so it does not click."""
    samples = array("h")
    for frequency, seconds in notes:
        count = int(RATE * seconds)
        fade = max(1, int(RATE * 0.01))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            samples.append(int(32767 * volume * envelope * math.sin(2 * math.pi * frequency * i / RATE)))
    _write(path, samples)


def speak(path: Path, text: str, espeak: str) -> None:
    """Speak `text` with espeak-ng's Mandarin voice and keep every second sample (22050 -> 11025 Hz)."""
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw.wav"
        subprocess.run([espeak, "-v", "cmn", "-s", "150", "-w", str(raw), text], check=True)
        with wave.open(str(raw), "rb") as source:
            if source.getsampwidth() != 2 or source.getnchannels() != 1:
                raise RuntimeError("espeak-ng wrote an unexpected WAV format")
            step = max(1, source.getframerate() // RATE)
            frames = source.readframes(source.getnframes())
    samples = array("h")
    values = struct.unpack(f"<{len(frames) // 2}h", frames)
    for i in range(0, len(values) - step + 1, step):
        samples.append(sum(values[i:i + step]) // step)
    _write(path, samples)


def generate(folder: Path = AUDIO_DIR) -> list[Path]:
    """Write every beep and prompt into `folder`; returns the files written."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    folder.mkdir(parents=True, exist_ok=True)
    tone(folder / "beep.wav", [(1760, 0.12)])
    tone(folder / "beep_error.wav", [(440, 0.15), (0.0001, 0.05), (440, 0.15)])
    for name, text in PROMPTS.items():
        speak(folder / f"{name}.wav", text, espeak)
    return sorted(folder.glob("*.wav"))


if __name__ == "__main__":
    files = generate()
    total = sum(path.stat().st_size for path in files)
    print(f"{len(files)} files, {total // 1024} KiB in {AUDIO_DIR}", file=sys.stderr)
