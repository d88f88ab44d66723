//! CSV exports: UTF-8 without byte order mark, `,` separator, `"` quoting when a cell needs it, `\n`
//! line ends, numbers with a `.` decimal point — exactly what the importer reads back. Written chunk by
//! chunk: each chunk of structures is handed to `emit` as soon as it is written (streaming).

use super::rows::Table;
use super::{Counts, Plan, StructureData, Visitor, for_each_structure};
use crate::db::DbConnection;
use crate::error::ApiError;

/// The CSV media type.
pub const MEDIA_TYPE: &str = "text/csv; charset=utf-8";

/// Writes the export of `plan` (a table layout), calling `emit` with each written chunk; `emit`
/// answers false when the reader is gone, which stops the export (`complete` is then false).
pub fn write(
    conn: &mut DbConnection,
    plan: &Plan,
    emit: &mut dyn FnMut(Vec<u8>) -> bool,
) -> Result<(Counts, bool), ApiError> {
    let table = Table::new(plan);
    let mut writer = new_writer();
    writer.write_record(table.header()).map_err(csv_error)?;
    let mut sink = Sink {
        table,
        writer,
        emit,
        gone: false,
        sent: Counts::default(),
        pending: Counts::default(),
    };
    let result = for_each_structure(conn, plan, &mut sink).and_then(|counts| {
        sink.chunk_done()?;
        Ok(counts)
    });
    match result {
        Ok(counts) => Ok((counts, true)),
        Err(_) if sink.gone => Ok((sink.sent, false)),
        Err(error) => Err(error),
    }
}

struct Sink<'p, 'e> {
    table: Table<'p>,
    writer: csv::Writer<Vec<u8>>,
    emit: &'e mut dyn FnMut(Vec<u8>) -> bool,
    gone: bool,
    /// What the reader received.
    sent: Counts,
    /// What is written but not sent yet.
    pending: Counts,
}

impl Visitor for Sink<'_, '_> {
    fn structure(&mut self, data: StructureData<'_>) -> Result<(), ApiError> {
        self.pending.structures += 1;
        self.pending.values += data.values.len() as u64;
        let mut failure = None;
        self.table.rows(data, |cells| {
            let record = cells.iter().map(super::cells::Cell::csv_text);
            if let Err(error) = self.writer.write_record(record) {
                failure = Some(error);
            }
        });
        failure.map_or(Ok(()), |e| Err(csv_error(e)))
    }

    fn chunk_done(&mut self) -> Result<(), ApiError> {
        let writer = std::mem::replace(&mut self.writer, new_writer());
        let bytes = writer
            .into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        if bytes.is_empty() || (self.emit)(bytes) {
            self.sent.structures += std::mem::take(&mut self.pending.structures);
            self.sent.values += std::mem::take(&mut self.pending.values);
            Ok(())
        } else {
            self.gone = true;
            Err(ApiError::Internal("the reader of the export is gone".to_owned()))
        }
    }
}

fn new_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(64 * 1024))
}

fn csv_error(error: csv::Error) -> ApiError {
    ApiError::Internal(format!("CSV writing failed: {error}"))
}
