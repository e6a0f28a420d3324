//! The five TLP 2.0 marking definitions OASIS publishes for STIX 2.1.
//!
//! They are fixed objects, not generated: every producer refers to the same
//! ids, so consumers recognise the marking without a lookup. Source: the
//! OASIS `cti-stix-common-objects` repository
//! (`extension-definition-specifications/tlp-2.0/` and
//! `objects/marking-definition/`), which also defines the property extension
//! `extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d` they carry.

use serde_json::{json, Value};

use crate::model::Tlp;

/// The id of the OASIS TLP 2.0 property-extension definition.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The `created` timestamp OASIS gave all five TLP 2.0 marking definitions.
pub const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The STIX id of the OASIS TLP 2.0 marking definition for `tlp`.
pub fn tlp_marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The extension's `tlp_2_0` value: `clear`, `green`, `amber`,
/// `amber+strict`, `red`.
fn tlp2_value(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}

/// The complete OASIS marking-definition object for `tlp`, exactly as
/// published (same id, name, `created` and extension), ready to put in a
/// bundle.
pub fn tlp_marking_definition(tlp: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp_marking_id(tlp),
        "created": TLP2_CREATED,
        "name": format!("TLP:{}", tlp.as_str()),
        "extensions": {
            TLP2_EXTENSION_ID: {
                "extension_type": "property-extension",
                "tlp_2_0": tlp2_value(tlp),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_published_oasis_ids() {
        let ids: Vec<&str> = Tlp::ALL.into_iter().map(tlp_marking_id).collect();
        assert_eq!(
            ids,
            [
                "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
                "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
                "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
            ]
        );
    }

    #[test]
    fn amber_strict_object_matches_the_oasis_example() -> Result<(), serde_json::Error> {
        // Verbatim from tlp-2.0/examples/tlp-amber+strict.json.
        let published: Value = serde_json::from_str(
            r#"{ "type": "marking-definition", "spec_version": "2.1",
                 "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                 "created": "2022-10-01T00:00:00.000Z", "name": "TLP:AMBER+STRICT",
                 "extensions": { "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                     "extension_type": "property-extension", "tlp_2_0": "amber+strict" } } }"#,
        )?;
        assert_eq!(tlp_marking_definition(Tlp::AmberStrict), published);
        assert_eq!(tlp_marking_definition(Tlp::Clear)["name"], "TLP:CLEAR");
        assert_eq!(
            tlp_marking_definition(Tlp::Red)["extensions"][TLP2_EXTENSION_ID]["tlp_2_0"],
            "red"
        );
        Ok(())
    }
}
