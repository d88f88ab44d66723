#!/usr/bin/env python3
"""Hostile XLSX files for `scripts/bench-memory.sh` (the same files as `crates/api/tests/api/support/bombs.rs`):
zlib compresses the repetitions, so a few megabytes unpack to a gigabyte.

usage: bombs.py DIR   writes dimension.xlsx, strings.xlsx, strings-lying.xlsx, rows-5m.xlsx, rows-1m.xlsx
"""
import os
import struct
import sys
import zlib

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
           '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def part(name, chunks, declared=None):
    """A deflated part from an iterable of byte chunks: (name, data, crc, size, declared)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data, crc, size = [], 0, 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        data.append(comp.compress(chunk))
    data.append(comp.flush())
    return (name, b"".join(data), crc, size, size if declared is None else declared)


def repeat(unit, times, block=1 << 20):
    per = max(1, block // len(unit))
    big = unit * per
    while times >= per:
        yield big
        times -= per
    if times:
        yield unit * times


def zipfile(parts):
    out, central = bytearray(), bytearray()
    for name, data, crc, _size, declared in parts:
        offset = len(out)
        declared = min(declared, 0xFFFFFFFF)
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0, crc, len(data), declared)
        out += struct.pack("<I", 0x04034B50) + fields + struct.pack("<HH", len(name), 0) + name.encode() + data
        central += (struct.pack("<IH", 0x02014B50, 20) + fields + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset)
                    + name.encode())
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), start, 0)
    return bytes(out)


def workbook(sheet, strings=None):
    parts = [part("[Content_Types].xml", [CT.encode()]), part("_rels/.rels", [RELS.encode()]),
             part("xl/workbook.xml", [WB.encode()]), part("xl/_rels/workbook.xml.rels", [WB_RELS.encode()]), sheet]
    if strings:
        parts.append(strings)
    return zipfile(parts)


def main(out):
    os.makedirs(out, exist_ok=True)
    first = '<row r="1"><c r="A1" t="inlineStr"><is><t>finess</t></is></c></row>'
    files = {}
    files["dimension.xlsx"] = workbook(part("xl/worksheets/sheet1.xml", [(
        HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>' + first
        + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>').encode()]))
    sheet = part("xl/worksheets/sheet1.xml", [(HEAD + '<dimension ref="A1:B2"/><sheetData>' + first
                                               + '<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>').encode()])
    sst = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    for name, lie in (("strings.xlsx", False), ("strings-lying.xlsx", True)):
        chunks = [sst.encode(), *repeat(b"a", 1 << 30), b"</t></si></sst>"]
        files[name] = workbook(sheet, part("xl/sharedStrings.xml", chunks, declared=200 if lie else None))
    for name, rows in (("rows-5m.xlsx", 5_000_000), ("rows-1m.xlsx", 1_100_000)):
        chunks = [(HEAD + '<sheetData><row><c t="inlineStr"><is><t>finess</t></is></c></row>').encode(),
                  *repeat(b"<row><c><v>590000011</v></c></row>", rows), b"</sheetData></worksheet>"]
        files[name] = workbook(part("xl/worksheets/sheet1.xml", chunks))
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
