//! `tdb import FILE --campaign 2024 --source cnsa_errd`: the import engine from the command line, as the
//! system actor `cli:<source>`, batch by batch with a progress bar; prints the summary (JSON).

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use super::error::CliError;
use crate::config::Config;
use crate::db::{self, DbConnection};
use crate::error::ApiError;
use crate::services::imports::{
    self, Context, Importer, Layout, Options, Progress, csv_input, is_refused, json_input, xlsx_input,
};

/// Arguments of `tdb import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file: JSON (`.json`, `{"rows": [...]}`), XLSX (`.xlsx`: templates or a table) or CSV (any
    /// other extension).
    pub file: PathBuf,
    /// Campaign year.
    #[arg(long)]
    pub campaign: i32,
    /// Source of the values: finess, cnsa_errd, cnsa_galaad, cpom or saisie.
    #[arg(long)]
    pub source: String,
    /// Compute the summary, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the rows without any rejected value, skip the others.
    #[arg(long)]
    pub partial: bool,
    /// CSV layout.
    #[arg(long, value_enum, default_value = "wide")]
    pub layout: CliLayout,
    /// Database and settings.
    #[command(flatten)]
    pub config: Config,
}

/// CSV layouts, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliLayout {
    /// `finess` then one column per item.
    Wide,
    /// `finess,item,value`.
    Long,
}

/// Runs `tdb import`; fails when the import is refused (a rejected value, not `--partial`).
pub fn run(args: ImportArgs) -> Result<String, CliError> {
    let failed = |e: ApiError| CliError::Import(e.to_problem().detail);
    let body =
        std::fs::read(&args.file).map_err(|e| CliError::Import(format!("{}: {e}", args.file.display())))?;
    let pool = db::connect(&args.config.database_url)?;
    let mut conn = pool.get().map_err(|e| CliError::Import(e.to_string()))?;
    let importer = Importer::system(&args.source).map_err(failed)?;
    let options = Options {
        dry_run: args.dry_run,
        partial: args.partial,
        batch_values: args.config.import_batch_values,
    };
    let mut ctx = Context::new(&mut conn, importer, args.campaign, options).map_err(failed)?;
    let extension = |wanted: &str| {
        args.file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(wanted))
    };
    let layout = match args.layout {
        CliLayout::Wide => Layout::Wide,
        CliLayout::Long => Layout::Long,
    };
    let rows = if extension("json") {
        json_input::parse(&body).map_err(failed)?.1
    } else if extension("xlsx") {
        let (rows, cells) = xlsx_input::parse(&body, layout, ctx.catalogue).map_err(failed)?;
        ctx.cells = Some(std::sync::Arc::new(cells));
        rows
    } else {
        csv_input::parse(&body, layout, ctx.catalogue).map_err(failed)?
    };
    let bar = ProgressBar::new(imports::value_count(&rows) as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} valeurs ({per_sec}, reste {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(if args.dry_run { "vérification" } else { "import" });
    let summary =
        imports::run_batched(&mut conn, &ctx, &rows, &mut BarProgress { bar: &bar }).map_err(failed)?;
    let summary = imports::locate(&ctx, summary);
    bar.finish_and_clear();
    let text = serde_json::to_string_pretty(&summary)?;
    if is_refused(&summary) {
        return Err(CliError::Import(format!(
            "{} valeur(s) refusée(s) : rien n'a été écrit (--partial écrit les lignes valides).\n{text}",
            summary.values.rejected
        )));
    }
    Ok(text)
}

/// Moves the progress bar as batches are committed (or checked).
struct BarProgress<'a> {
    bar: &'a ProgressBar,
}

impl Progress for BarProgress<'_> {
    fn advance(&mut self, _conn: &mut DbConnection, processed: u64) -> Result<(), ApiError> {
        self.bar.set_position(processed);
        Ok(())
    }

    fn checked(&mut self, _conn: &mut DbConnection, checked: u64) -> Result<(), ApiError> {
        self.bar.set_message("vérification");
        self.bar.set_position(checked);
        if checked >= self.bar.length().unwrap_or_default() {
            self.bar.set_message("import");
            self.bar.set_position(0);
        }
        Ok(())
    }
}
