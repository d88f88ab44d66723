//! Hostile XLSX files, built by hand (zip container and deflate streams) so that a file of a few
//! megabytes unpacks to a gigabyte without the test compressing a gigabyte: a dimension bomb, a
//! shared-string bomb (honest or lying about its unpacked size) and a sheet of millions of rows.

/// A zip part: its name, its stored bytes, how they are stored, and the sizes to declare.
struct Part {
    name: &'static str,
    data: Vec<u8>,
    deflated: bool,
    crc: u32,
    declared: u64,
}

impl Part {
    fn stored(name: &'static str, text: &str) -> Self {
        Self {
            name,
            data: text.as_bytes().to_vec(),
            deflated: false,
            crc: crc32(text.as_bytes()),
            declared: text.len() as u64,
        }
    }
}

/// The bitwise CRC-32 of small parts (the unpacked bombs are never read to their end by a bounded
/// reader, so their CRC is left at 0).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn zip(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for part in parts {
        let offset = out.len() as u32;
        let method: u16 = if part.deflated { 8 } else { 0 };
        let declared = u32::try_from(part.declared).unwrap_or(u32::MAX);
        let header = |signature: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(signature.to_le_bytes());
            if central {
                h.extend(20_u16.to_le_bytes()); // made by
            }
            h.extend(20_u16.to_le_bytes()); // needed
            h.extend(0_u16.to_le_bytes()); // flags
            h.extend(method.to_le_bytes());
            h.extend(0_u32.to_le_bytes()); // time, date
            h.extend(part.crc.to_le_bytes());
            h.extend((part.data.len() as u32).to_le_bytes());
            h.extend(declared.to_le_bytes());
            h.extend((part.name.len() as u16).to_le_bytes());
            h.extend(0_u16.to_le_bytes()); // extra
            if central {
                h.extend([0_u8; 6]); // comment, disk, internal attributes
                h.extend(0_u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(part.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&part.data);
        central.extend(header(0x0201_4b50, true));
    }
    let start = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50_u32.to_le_bytes());
    out.extend([0_u8; 4]);
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0_u16.to_le_bytes());
    out
}

/// Writes bits least significant first, as deflate does.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    fn put(&mut self, value: u32, bits: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += bits;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code (sent most significant bit first).
    fn code(&mut self, code: u32, bits: u32) {
        let reversed = code.reverse_bits() >> (32 - bits);
        self.put(reversed, bits);
    }

    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u32::from(byte), 8),
            _ => self.code(0x190 + u32::from(byte) - 144, 9),
        }
    }

    fn finish(mut self) -> Vec<u8> {
        // End of block (code 256: seven zero bits).
        self.code(0, 7);
        if self.count > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A deflate stream (one fixed-Huffman block) of `prefix`, then `unit` repeated `times`, then
/// `suffix`: the repetitions are back-references of 258 bytes.
fn deflate_repeat(prefix: &[u8], unit: &[u8], times: u64, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // last block
    bits.put(1, 2); // fixed Huffman
    for byte in prefix.iter().chain(unit) {
        bits.literal(*byte);
    }
    let distance = unit.len() as u32;
    assert!((1..=256).contains(&distance), "a short unit");
    // Distance code and extra bits of `distance` (RFC 1951 §3.2.5).
    let (dcode, dbase, dextra) = [
        (0, 1, 0),
        (1, 2, 0),
        (2, 3, 0),
        (3, 4, 0),
        (4, 5, 1),
        (5, 7, 1),
        (6, 9, 2),
        (7, 13, 2),
        (8, 17, 3),
        (9, 25, 3),
        (10, 33, 4),
        (11, 49, 4),
        (12, 65, 5),
        (13, 97, 5),
        (14, 129, 6),
        (15, 193, 6),
    ]
    .into_iter()
    .rev()
    .find(|(_, base, _)| *base <= distance)
    .unwrap();
    let mut remaining = (times - 1) * unit.len() as u64;
    while remaining >= 258 {
        bits.code(0xC5, 8); // length code 285 (258 bytes), fixed Huffman 11000101
        bits.code(dcode, 5);
        bits.put(distance - dbase, dextra);
        remaining -= 258;
    }
    let copied = (times - 1) * unit.len() as u64 - remaining;
    for i in 0..remaining {
        bits.literal(unit[((copied + i) % unit.len() as u64) as usize]);
    }
    for byte in suffix {
        bits.literal(*byte);
    }
    bits.finish()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

fn workbook(sheet: Part, strings: Option<Part>) -> Vec<u8> {
    let mut parts = vec![
        Part::stored("[Content_Types].xml", CONTENT_TYPES),
        Part::stored("_rels/.rels", RELS),
        Part::stored("xl/workbook.xml", WORKBOOK),
        Part::stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        sheet,
    ];
    parts.extend(strings);
    zip(&parts)
}

/// A sheet of `A1` `finess` and `extra` cells, with a declared dimension.
fn sheet(dimension: &str, rows: &str) -> Part {
    Part::stored(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>finess</t></is></c></row>{rows}</sheetData></worksheet>"#
        ),
    )
}

/// `A1` `finess` and one cell at `XFD1048576` (about 1.6 KB): a reader building the used range as a
/// grid allocates 17 billion cells.
pub fn dimension_bomb() -> Vec<u8> {
    workbook(
        sheet(
            "A1:XFD1048576",
            r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        ),
        None,
    )
}

/// One shared string of `bytes` bytes (`a` repeated), its unpacked size declared honestly or not.
pub fn shared_string_bomb(bytes: u64, lie: bool) -> Vec<u8> {
    let prefix = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
    let suffix = b"</t></si></sst>";
    let data = deflate_repeat(prefix, b"a", bytes, suffix);
    let strings = Part {
        name: "xl/sharedStrings.xml",
        data,
        deflated: true,
        crc: 0,
        declared: if lie {
            200
        } else {
            bytes + (prefix.len() + suffix.len()) as u64
        },
    };
    workbook(
        sheet("A1:B2", r#"<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#),
        Some(strings),
    )
}

/// A table of `rows` lines under `finess`, each with a FINESS and no row number (rows counted by
/// the reader), and no dimension worth the name.
pub fn rows_bomb(rows: u64) -> Vec<u8> {
    let prefix = format!(
        r#"{SHEET_HEAD}<dimension ref="A1"/><sheetData><row><c t="inlineStr"><is><t>finess</t></is></c></row>"#
    );
    let unit = br#"<row><c t="inlineStr"><is><t>590000011</t></is></c></row>"#;
    let suffix = b"</sheetData></worksheet>";
    let data = deflate_repeat(prefix.as_bytes(), unit, rows, suffix);
    let declared = (prefix.len() + unit.len() * rows as usize + suffix.len()) as u64;
    // An honest checksum: a reader that goes to the end of the part finds it whole.
    let mut crc = flate2::Crc::new();
    crc.update(prefix.as_bytes());
    for _ in 0..rows {
        crc.update(unit);
    }
    crc.update(suffix);
    let sheet = Part {
        name: "xl/worksheets/sheet1.xml",
        data,
        deflated: true,
        crc: crc.sum(),
        declared,
    };
    workbook(sheet, None)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_hand_made_deflate_streams_unpack_to_what_they_claim() {
        let stream = deflate_repeat(b"<x>", b"ab", 1000, b"</x>");
        let mut text = String::new();
        flate2::read::DeflateDecoder::new(&stream[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, format!("<x>{}</x>", "ab".repeat(1000)));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
