//! French names for generated data: towns per department, structure and managing-body names.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Towns of the demo departments (prefecture first); other departments fall back to [`prefecture`].
const TOWNS: [(&str, &[&str]); 23] = [
    (
        "02",
        &[
            "Laon",
            "Saint-Quentin",
            "Soissons",
            "Château-Thierry",
            "Chauny",
            "Hirson",
            "Guise",
        ],
    ),
    (
        "59",
        &[
            "Lille",
            "Roubaix",
            "Tourcoing",
            "Dunkerque",
            "Valenciennes",
            "Douai",
            "Cambrai",
            "Maubeuge",
            "Villeneuve-d'Ascq",
            "Armentières",
            "Hazebrouck",
            "Wattrelos",
            "Marcq-en-Barœul",
            "Lambersart",
        ],
    ),
    (
        "60",
        &[
            "Beauvais",
            "Compiègne",
            "Creil",
            "Nogent-sur-Oise",
            "Senlis",
            "Noyon",
            "Clermont",
            "Crépy-en-Valois",
        ],
    ),
    (
        "62",
        &[
            "Arras",
            "Calais",
            "Boulogne-sur-Mer",
            "Lens",
            "Liévin",
            "Béthune",
            "Saint-Omer",
            "Hénin-Beaumont",
            "Bruay-la-Buissière",
            "Berck",
            "Montreuil-sur-Mer",
        ],
    ),
    (
        "80",
        &[
            "Amiens",
            "Abbeville",
            "Albert",
            "Péronne",
            "Doullens",
            "Montdidier",
            "Ham",
        ],
    ),
    ("75", &["Paris"]),
    ("77", &["Melun", "Meaux", "Chelles", "Fontainebleau", "Provins"]),
    (
        "78",
        &["Versailles", "Saint-Germain-en-Laye", "Mantes-la-Jolie", "Poissy"],
    ),
    (
        "91",
        &["Évry-Courcouronnes", "Corbeil-Essonnes", "Massy", "Étampes"],
    ),
    ("92", &["Nanterre", "Boulogne-Billancourt", "Colombes", "Antony"]),
    ("93", &["Bobigny", "Saint-Denis", "Montreuil", "Aubervilliers"]),
    (
        "94",
        &[
            "Créteil",
            "Vitry-sur-Seine",
            "Champigny-sur-Marne",
            "Ivry-sur-Seine",
        ],
    ),
    ("95", &["Cergy", "Argenteuil", "Sarcelles", "Pontoise"]),
    ("08", &["Charleville-Mézières", "Sedan", "Rethel"]),
    ("10", &["Troyes", "Romilly-sur-Seine", "Bar-sur-Aube"]),
    (
        "51",
        &["Châlons-en-Champagne", "Reims", "Épernay", "Vitry-le-François"],
    ),
    ("52", &["Chaumont", "Saint-Dizier", "Langres"]),
    ("54", &["Nancy", "Lunéville", "Toul", "Briey"]),
    ("55", &["Bar-le-Duc", "Verdun", "Commercy"]),
    ("57", &["Metz", "Thionville", "Forbach", "Sarreguemines"]),
    ("67", &["Strasbourg", "Haguenau", "Sélestat", "Saverne"]),
    ("68", &["Colmar", "Mulhouse", "Saint-Louis", "Guebwiller"]),
    ("88", &["Épinal", "Saint-Dié-des-Vosges", "Remiremont"]),
];

/// Prefecture of every department (INSEE code → town).
const PREFECTURES: &str = "01:Bourg-en-Bresse;02:Laon;03:Moulins;04:Digne-les-Bains;05:Gap;06:Nice;07:Privas;\
08:Charleville-Mézières;09:Foix;10:Troyes;11:Carcassonne;12:Rodez;13:Marseille;14:Caen;15:Aurillac;\
16:Angoulême;17:La Rochelle;18:Bourges;19:Tulle;2A:Ajaccio;2B:Bastia;21:Dijon;22:Saint-Brieuc;23:Guéret;\
24:Périgueux;25:Besançon;26:Valence;27:Évreux;28:Chartres;29:Quimper;30:Nîmes;31:Toulouse;32:Auch;\
33:Bordeaux;34:Montpellier;35:Rennes;36:Châteauroux;37:Tours;38:Grenoble;39:Lons-le-Saunier;40:Mont-de-Marsan;\
41:Blois;42:Saint-Étienne;43:Le Puy-en-Velay;44:Nantes;45:Orléans;46:Cahors;47:Agen;48:Mende;49:Angers;\
50:Saint-Lô;51:Châlons-en-Champagne;52:Chaumont;53:Laval;54:Nancy;55:Bar-le-Duc;56:Vannes;57:Metz;58:Nevers;\
59:Lille;60:Beauvais;61:Alençon;62:Arras;63:Clermont-Ferrand;64:Pau;65:Tarbes;66:Perpignan;67:Strasbourg;\
68:Colmar;69:Lyon;70:Vesoul;71:Mâcon;72:Le Mans;73:Chambéry;74:Annecy;75:Paris;76:Rouen;77:Melun;78:Versailles;\
79:Niort;80:Amiens;81:Albi;82:Montauban;83:Toulon;84:Avignon;85:La Roche-sur-Yon;86:Poitiers;87:Limoges;\
88:Épinal;89:Auxerre;90:Belfort;91:Évry-Courcouronnes;92:Nanterre;93:Bobigny;94:Créteil;95:Cergy;\
971:Basse-Terre;972:Fort-de-France;973:Cayenne;974:Saint-Denis;976:Mamoudzou";

/// The prefecture of a department (its code when unknown).
pub fn prefecture(department: &str) -> &str {
    PREFECTURES
        .split(';')
        .filter_map(|entry| entry.split_once(':'))
        .find(|(code, _)| *code == department)
        .map_or(department, |(_, town)| town)
}

/// A town of `department`.
pub fn town(department: &str, rng: &mut ChaCha8Rng) -> String {
    match TOWNS.iter().find(|(code, _)| *code == department) {
        Some((_, towns)) => towns[rng.gen_range(0..towns.len())].to_owned(),
        None => prefecture(department).to_owned(),
    }
}

const EVOCATIVE: [&str; 36] = [
    "Les Tilleuls",
    "Les Hortensias",
    "Le Clos Fleuri",
    "Les Glycines",
    "La Roseraie",
    "Les Charmilles",
    "Le Moulin",
    "Les Peupliers",
    "La Source",
    "Les Jardins",
    "Le Val Fleuri",
    "Les Marronniers",
    "L'Orée du Bois",
    "Les Bruyères",
    "La Providence",
    "Saint-Joseph",
    "Sainte-Anne",
    "Les Lilas",
    "Le Beffroi",
    "Les Terrils",
    "La Haute Rive",
    "Les Cèdres",
    "Les Acacias",
    "La Verrière",
    "Le Parc",
    "Les Myosotis",
    "Les Capucines",
    "Le Phare",
    "Les Alizés",
    "La Canopée",
    "Les Érables",
    "Le Chêne Vert",
    "Les Saules",
    "La Clairière",
    "Les Coquelicots",
    "Le Bocage",
];

/// A structure name for a category short label (`EHPAD`, `IME`…) in `town`.
pub fn structure_name(short_label: &str, town: &str, rng: &mut ChaCha8Rng) -> String {
    let name = EVOCATIVE[rng.gen_range(0..EVOCATIVE.len())];
    match rng.gen_range(0..4) {
        0 => format!("{short_label} de {town}"),
        1 => format!("{short_label} {name} – {town}"),
        _ => format!("{short_label} {name}"),
    }
}

/// A managing-body name with its legal status.
pub fn organisation_name(town: &str, rng: &mut ChaCha8Rng) -> (String, &'static str) {
    let name = EVOCATIVE[rng.gen_range(0..EVOCATIVE.len())];
    match rng.gen_range(0..8) {
        0 => (format!("Centre communal d'action sociale de {town}"), "public"),
        1 => (format!("Centre hospitalier de {town}"), "public"),
        2 => (format!("Fondation {name}"), "prive_non_lucratif"),
        3 | 4 => (format!("Association {name} de {town}"), "prive_non_lucratif"),
        5 => (format!("APEI de {town}"), "prive_non_lucratif"),
        6 => (format!("Groupe {name} Santé SAS"), "prive_commercial"),
        _ => (format!("Mutualité {name}"), "prive_non_lucratif"),
    }
}

/// The short label of a category (`EHPAD`, `CRP / ESRP`…): its label up to the dash.
pub fn short_label(label: &str) -> &str {
    label.split(" –").next().unwrap_or(label).trim()
}
