//! Test 6.1.12's second half: a well-formed language tag whose subtags
//! exist (BCP 47 / RFC 5646 with the IANA Language Subtag Registry).
//!
//! Checked against the registry: two-letter primary languages (ISO 639-1
//! plus the registry's deprecated `in`, `iw`, `ji`, `jw`, `mo`, `sh`),
//! four-letter scripts (ISO 15924) and two-letter regions (ISO 3166-1 plus
//! the registry's exceptional and deprecated codes), with the private-use
//! ranges (`qaa`–`qtz`, `Qaaa`–`Qabx`, `AA`, `QM`–`QZ`, `XA`–`XZ`, `ZZ`).
//! Not checked, for want of a table this small: three-letter languages and
//! extended language subtags (accepted when well-formed), three-digit UN
//! M.49 regions, variants. Four- to eight-letter primary subtags are
//! reserved or unregistered, so they fail. Only the codes are listed here.

/// Two-letter primary language subtags, sorted.
const LANGUAGES_2: &[&str] = &[
    "aaabaeafakamanarasavayazbabebgbhbibmbnbobrbscacechcocrcscucv",
    "cydadedvdzeeeleneoeseteufafffifjfofrfygagdglgngugvhahehihohr",
    "hthuhyhziaidieigiiikinioisitiuiwjajijvjwkakgkikjkkklkmknkokr",
    "kskukvkwkylalblglilnloltlulvmgmhmimkmlmnmomrmsmtmynanbndneng",
    "nlnnnonrnvnyocojomorospapiplpsptqurmrnrorurwsascsdsesgshsisk",
    "slsmsnsosqsrssstsusvswtatetgthtitktltntotrtstttwtyugukuruzve",
    "vivowawoxhyiyozazhzu",
];

/// Two-letter region subtags (upper case), sorted.
const REGIONS: &[&str] = &[
    "ACADAEAFAGAIALAMANAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBN",
    "BOBQBRBSBTBUBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCPCRCSCUCVCWCXCY",
    "CZDDDEDGDJDKDMDODZEAECEEEGEHERESETEUEZFIFJFKFMFOFRFXGAGBGDGE",
    "GFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUICIDIEILIMINIOIQIR",
    "ISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMC",
    "MDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONP",
    "NRNTNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQAQURERORSRURWSASBSCSD",
    "SESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTATCTDTFTGTHTJTKTLTMTNTOTP",
    "TRTTTVTWTZUAUGUKUMUNUSUYUZVAVCVEVGVIVNVUWFWSYDYEYTYUZAZMZRZW",
];

/// Four-letter script subtags (title case), sorted.
const SCRIPTS: &[&str] = &[
    "AdlmAfakAghbAhomArabAranArmiArmnAvstBaliBamuBassBatkBengBhksBlisBopoBrahBraiBugi",
    "BuhdCakmCansCariChamCherCirtCoptCprtCyrlCyrsDevaDsrtDuplEgydEgyhEgypElbaEthiGeok",
    "GeorGlagGothGranGrekGujrGuruHanbHangHaniHanoHansHantHatrHebrHiraHluwHmngHrktHung",
    "IndsItalJamoJavaJpanJurcKaliKanaKharKhmrKhojKitlKitsKndaKoreKpelKthiLanaLaooLatf",
    "LatgLatnLekeLepcLimbLinaLinbLisuLomaLyciLydiMahjMandManiMarcMayaMendMercMeroMlym",
    "ModiMongMoonMrooMteiMultMymrNarbNbatNewaNkgbNkooNshuOgamOlckOrkhOryaOsgeOsmaPalm",
    "PaucPermPhagPhliPhlpPhlvPhnxPiqdPlrdPrtiQaaaQabxRjngRoroRunrSamrSaraSarbSaurSgnw",
    "ShawShrdSiddSindSinhSoraSundSyloSyrcSyreSyrjSyrnTagbTakrTaleTaluTamlTangTavtTelu",
    "TengTfngTglgThaaThaiTibtTirhUgarVaiiVispWaraWoleXpeoXsuxYiiiZinhZmthZsyeZsymZxxx",
    "ZyyyZzzz",
];

/// Whether `code` is one of the fixed-width codes packed into `table`.
fn listed(table: &[&str], width: usize, code: &str) -> bool {
    code.len() == width
        && table.iter().any(|chunk| {
            chunk
                .as_bytes()
                .chunks(width)
                .any(|c| c.eq_ignore_ascii_case(code.as_bytes()))
        })
}

/// Why a well-formed tag names a subtag that does not exist, or `None`.
pub(crate) fn unknown_subtag(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    // Grandfathered tags and private-use-only tags have no registry subtags.
    if lower.starts_with("x-") || lower.starts_with("i-") {
        return None;
    }
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    if !known_language(language) {
        return Some(format!("`{language}` is not a registered language subtag"));
    }
    for part in parts {
        // Extensions and private use end the part the registry covers.
        if part.len() == 1 {
            break;
        }
        let known = match (part.len(), part.bytes().all(|b| b.is_ascii_alphabetic())) {
            (2, true) => known_region(part),
            (4, true) => known_script(part),
            _ => true,
        };
        if !known {
            return Some(format!("`{part}` is not a registered subtag"));
        }
    }
    None
}

fn known_language(code: &str) -> bool {
    match code.len() {
        2 => listed(LANGUAGES_2, 2, code),
        3 => true,
        _ => false,
    }
}

fn known_region(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    let private = upper == "AA"
        || upper == "ZZ"
        || (upper.as_str() >= "QM" && upper.as_str() <= "QZ")
        || upper.starts_with('X');
    private || listed(REGIONS, 2, &upper)
}

fn known_script(code: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    let private = lower.as_str() >= "qaaa" && lower.as_str() <= "qabx";
    private || listed(SCRIPTS, 4, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_whole() {
        for (table, width) in [(LANGUAGES_2, 2), (REGIONS, 2), (SCRIPTS, 4)] {
            assert!(table.iter().all(|chunk| chunk.len() % width == 0));
        }
    }

    #[test]
    fn registered_subtags_exist() {
        for tag in [
            "en",
            "en-US",
            "de-DE",
            "fr-ZZ",
            "en-AA",
            "en-QM",
            "en-XP",
            "en-Qabc",
            "zh-Hant-TW",
            "qtx",
            "qdq",
            "i-default",
            "x-private",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1996",
            "en-a-bbb-x-ccc",
        ] {
            assert_eq!(unknown_subtag(tag), None, "{tag}");
        }
        for tag in ["EZ", "zz", "en-Zzzq", "abcd", "en-KK"] {
            assert!(unknown_subtag(tag).is_some(), "{tag}");
        }
    }
}
