"""Our ESC/POS encoder and the decoder that reads its bytes back, plus the HTML preview."""
from printers import commands, decode, decode_text, encode_elements, encode_receipt, printer_config, receipt_html
from printers.layout import QrCode, TextLine

from . import samples


def test_a_receipt_starts_with_reset_and_chinese_mode_and_ends_with_feed_and_cut():
    data = encode_receipt(samples.meal_charge(), printer_config("tcp://p?feed_lines=3"))

    assert data.startswith(b"\x1b@\x1c&")
    assert data.endswith(b"\x1bd\x03\x1dV\x01")


def test_an_amount_line_without_hanzi_is_sent_as_gb18030_not_question_marks():
    data = encode_elements([TextLine("￥12.50")])

    assert b"\xa3\xa412.50\n" in data
    assert b"?" not in data
    assert decode_text(encode_elements([TextLine("￥12.50")], cut="none")) == "￥12.50\n"


def test_every_character_a_receipt_uses_round_trips_through_gb18030():
    text = "区政府机关食堂 ￥-0.05 （短款）【副本】：，__ 𠮷"
    data = encode_elements([TextLine(text)], cut="none")

    assert decode_text(data) == text + "\n"


def test_a_narrower_codec_replaces_what_it_cannot_encode_and_a_latin_one_skips_chinese_mode():
    gbk = encode_elements([TextLine("𠮷")], codec="gbk", cut="none")
    assert decode_text(gbk, codec="gbk") == "?\n"
    latin = printer_config("file:///dev/null?codec=cp437")
    assert not latin.chinese_mode
    assert b"\x1c&" not in encode_receipt(samples.loss_report(), latin)


def test_the_qr_code_carries_the_entry_number_in_gs_k_commands():
    data = encode_elements([QrCode("T01-000123")], cut="none")

    assert b"\x1d(k\x04\x001A2\x00" in data  # model 2
    assert b"\x1d(k\x0d\x001P0T01-000123" in data  # store 10 bytes (pL = 10 + 3)
    assert b"\x1d(k\x03\x001Q0" in data  # print
    assert decode_text(data) == "[QR:T01-000123]\n"


def test_styles_reach_the_decoder_per_span_and_the_printer_only_when_they_change():
    data = encode_elements([TextLine("副本", "center", bold=True, double=True), TextLine("A"), TextLine("B")],
                           cut="full")
    lines = decode(data)

    assert data.count(commands.bold(False)) == 1
    assert [(line.text, line.align) for line in lines] == [("副本", "center"), ("A", "left"), ("B", "left"),
                                                           ("[CUT]", "left")]
    assert lines[0].spans[0].bold and lines[0].spans[0].double
    assert not lines[1].spans[0].bold
    assert commands.cut("full") in data


def test_without_a_cutter_nothing_is_cut():
    data = encode_receipt(samples.loss_report(), printer_config("tcp://p?cut=none"))

    assert b"\x1dV" not in data
    assert "[CUT]" not in decode_text(data)


def test_the_decoder_strips_status_queries_and_marks_what_is_not_text():
    data = (b"\x10\x04\x01\x1b@AB\x1bE\x01C\x1bE\x00\n"  # status query, text with a bold span
            b"\x1dk\x04123\x00"  # CODE39 barcode
            b"\x1dv0\x00\x01\x00\x02\x00\xff\xff"  # 1x2 byte raster image
            b"\x1bp\x00\x19\xfa"  # cash drawer kick
            b"\x1b\x99"  # a command we do not know
            b"\x1dV\x42\x03"  # feed and cut
            b"tail")
    assert decode_text(data) == "ABC\n[BARCODE:123]\n[IMAGE]\n[DRAWER]\n[1B 99]\n[CUT]\ntail\n"


def test_data_that_ends_inside_a_command_is_marked_truncated():
    assert decode_text(b"OK\n\x1d(k\x10\x00") == "OK\n[TRUNCATED]\n"


def test_decoded_lines_pad_centred_text_like_the_printer_when_columns_are_given():
    data = encode_elements([TextLine("谢谢惠顾", "center"), TextLine("￥1.00", "right")], cut="none")

    assert decode_text(data) == "谢谢惠顾\n￥1.00\n"
    assert decode_text(data, 32) == " " * 12 + "谢谢惠顾\n" + " " * 26 + "￥1.00\n"


def test_html_preview_shows_the_receipt_escaped_in_monospace_with_markers():
    receipt = samples.meal_charge().as_copy(samples.TAKEN_AT, "<张三>")
    config = printer_config("tcp://p?qr=1")
    html = receipt_html(encode_receipt(receipt, config), 32)

    assert 'style="width:32ch"' in html and "monospace" in html
    assert '<span class="cjk">￥</span>12.50' in html
    assert "&lt;" in html and "<张三>" not in html
    assert "二维码：T01-000123" in html and "✂ 切纸" in html
    assert '<span class="double"><b>' in html
