//! The committee report as an A4 PDF, in French, drawn with the shared PDF kit.

use tdb_domain::contract::{CommitteeKind, CommitteeReport, ObjectiveStatus};
use tdb_domain::display::format_decimal;

use crate::error::ApiError;
use crate::services::pdf::{self, BLACK, BLUE, GREEN, GREY, HEIGHT, MARGIN, Op, Pages, RED, WHITE, clip};

/// French label of a status.
fn status(status: ObjectiveStatus) -> (&'static str, (u8, u8, u8)) {
    match status {
        ObjectiveStatus::Atteint => ("atteint", GREEN),
        ObjectiveStatus::EnBonneVoie => ("en bonne voie", BLUE),
        ObjectiveStatus::EnRetard => ("en retard", RED),
        ObjectiveStatus::NonMesurable => ("non mesurable", GREY),
    }
}

fn value(unit: Option<&str>, x: f64) -> String {
    if unit == Some("ratio") {
        format!("{} %", format_decimal(x * 100.0, 1))
    } else {
        format_decimal(x, 1)
    }
}

fn date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// Renders the report.
pub fn render(report: &CommitteeReport) -> Result<Vec<u8>, ApiError> {
    let kind = match report.committee.kind {
        CommitteeKind::MiParcours => "Comité de suivi à mi-parcours",
        CommitteeKind::BilanFinal => "Comité de bilan final",
        CommitteeKind::Supplementaire => "Comité de suivi",
    };
    let mut p = Pages::with_band(64.0, 30.0);
    p.text(
        MARGIN,
        16.0,
        true,
        WHITE,
        format!("{kind} – année {}", report.committee.contract_year),
    );
    p.y += 18.0;
    p.text(
        MARGIN,
        8.5,
        false,
        WHITE,
        "Contrat pluriannuel d'objectifs et de moyens",
    );
    p.y = 96.0;
    let c = &report.contract;
    p.text(
        MARGIN,
        14.0,
        true,
        BLACK,
        clip(&format!("{} – {}", c.title, c.organisation_name), 70),
    );
    p.y += 16.0;
    let when = report.committee.held_on.as_deref().map_or_else(
        || format!("prévu le {}", date(&report.committee.scheduled_on)),
        |d| format!("tenu le {}", date(d)),
    );
    p.text(
        MARGIN,
        9.0,
        false,
        GREY,
        format!(
            "Du {} au {} – comité {when}",
            date(&c.start_date),
            date(&c.end_date)
        ),
    );
    p.heading("Synthèse");
    let n = report.counts;
    p.text(
        MARGIN,
        9.0,
        false,
        BLACK,
        format!(
            "Objectifs atteints : {} – en bonne voie : {} – en retard : {} – non mesurables : {}",
            n.atteint, n.en_bonne_voie, n.en_retard, n.non_mesurable
        ),
    );
    p.y += 14.0;
    p.text(
        MARGIN,
        9.0,
        false,
        BLACK,
        format!("Périmètre : {} structure(s)", report.perimeter.len()),
    );
    p.heading("Suivi des objectifs");
    for o in &report.follow_up {
        p.room(40.0);
        let unit = o.objective.unit.as_deref();
        let (label, color) = status(o.status);
        p.text(MARGIN, 9.0, true, BLACK, clip(&o.objective.label, 80));
        p.text(470.0, 9.0, true, color, label);
        p.y += 12.0;
        let points = o
            .points
            .iter()
            .map(|pt| {
                let v = pt.actual.map_or_else(|| "–".to_owned(), |a| value(unit, a));
                format!(
                    "{} : {v}{}",
                    pt.year,
                    if pt.provisoire { " (provisoire)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(" ; ");
        p.text(
            MARGIN + 10.0,
            8.0,
            false,
            GREY,
            clip(
                &format!(
                    "Cible {} en {} – {points}",
                    value(unit, o.objective.target_value),
                    o.objective.target_year
                ),
                110,
            ),
        );
        p.y += 16.0;
    }
    if let Some(minutes) = &report.committee.minutes {
        p.heading("Compte rendu");
        for line in minutes.lines() {
            p.room(14.0);
            p.text(MARGIN, 9.0, false, BLACK, clip(line, 110));
            p.y += 12.0;
        }
    }
    if !report.committee.decisions.is_empty() {
        p.heading("Décisions");
        for decision in &report.committee.decisions {
            p.room(14.0);
            p.text(MARGIN, 9.0, false, BLACK, clip(&format!("• {decision}"), 110));
            p.y += 12.0;
        }
    }
    let count = p.pages.len();
    for (i, page) in p.pages.iter_mut().enumerate() {
        page.push(Op::Text {
            x: MARGIN,
            y: HEIGHT - 24.0,
            size: 7.0,
            bold: false,
            color: GREY,
            text: format!("CPOM {} – page {}/{count}", c.id, i + 1),
        });
    }
    pdf::draw(&p.pages, format!("{kind} – {}", c.title))
}
