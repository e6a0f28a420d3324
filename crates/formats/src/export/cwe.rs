//! Names of common CWE weaknesses.
//!
//! CSAF's `cwe` object needs the weakness's exact catalog name (mandatory
//! test 6.1.11 compares it with the CWE list), so the CSAF export names a
//! CWE only when it is in this table and leaves `cwe` out otherwise. The
//! names are those of CWE 4.20 (2026-04-30): the Top 25 of recent years and
//! other weaknesses common in advisories.

/// `(number, name)` pairs, sorted by number.
const CWE_NAMES: &[(u32, &str)] = &[
    (20, "Improper Input Validation"),
    (22, "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')"),
    (74, "Improper Neutralization of Special Elements in Output Used by a Downstream Component ('Injection')"),
    (77, "Improper Neutralization of Special Elements used in a Command ('Command Injection')"),
    (78, "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')"),
    (79, "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"),
    (89, "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')"),
    (94, "Improper Control of Generation of Code ('Code Injection')"),
    (116, "Improper Encoding or Escaping of Output"),
    (119, "Improper Restriction of Operations within the Bounds of a Memory Buffer"),
    (120, "Buffer Copy without Checking Size of Input ('Classic Buffer Overflow')"),
    (121, "Stack-based Buffer Overflow"),
    (122, "Heap-based Buffer Overflow"),
    (125, "Out-of-bounds Read"),
    (134, "Use of Externally-Controlled Format String"),
    (190, "Integer Overflow or Wraparound"),
    (191, "Integer Underflow (Wrap or Wraparound)"),
    (200, "Exposure of Sensitive Information to an Unauthorized Actor"),
    (209, "Generation of Error Message Containing Sensitive Information"),
    (250, "Execution with Unnecessary Privileges"),
    (269, "Improper Privilege Management"),
    (276, "Incorrect Default Permissions"),
    (284, "Improper Access Control"),
    (285, "Improper Authorization"),
    (287, "Improper Authentication"),
    (290, "Authentication Bypass by Spoofing"),
    (295, "Improper Certificate Validation"),
    (306, "Missing Authentication for Critical Function"),
    (307, "Improper Restriction of Excessive Authentication Attempts"),
    (311, "Missing Encryption of Sensitive Data"),
    (312, "Cleartext Storage of Sensitive Information"),
    (319, "Cleartext Transmission of Sensitive Information"),
    (326, "Inadequate Encryption Strength"),
    (327, "Use of a Broken or Risky Cryptographic Algorithm"),
    (328, "Use of Weak Hash"),
    (330, "Use of Insufficiently Random Values"),
    (345, "Insufficient Verification of Data Authenticity"),
    (346, "Origin Validation Error"),
    (347, "Improper Verification of Cryptographic Signature"),
    (352, "Cross-Site Request Forgery (CSRF)"),
    (362, "Concurrent Execution using Shared Resource with Improper Synchronization ('Race Condition')"),
    (367, "Time-of-check Time-of-use (TOCTOU) Race Condition"),
    (369, "Divide By Zero"),
    (377, "Insecure Temporary File"),
    (384, "Session Fixation"),
    (400, "Uncontrolled Resource Consumption"),
    (401, "Missing Release of Memory after Effective Lifetime"),
    (415, "Double Free"),
    (416, "Use After Free"),
    (434, "Unrestricted Upload of File with Dangerous Type"),
    (444, "Inconsistent Interpretation of HTTP Requests ('HTTP Request/Response Smuggling')"),
    (457, "Use of Uninitialized Variable"),
    (476, "NULL Pointer Dereference"),
    (502, "Deserialization of Untrusted Data"),
    (521, "Weak Password Requirements"),
    (532, "Insertion of Sensitive Information into Log File"),
    (601, "URL Redirection to Untrusted Site ('Open Redirect')"),
    (611, "Improper Restriction of XML External Entity Reference"),
    (613, "Insufficient Session Expiration"),
    (617, "Reachable Assertion"),
    (639, "Authorization Bypass Through User-Controlled Key"),
    (668, "Exposure of Resource to Wrong Sphere"),
    (674, "Uncontrolled Recursion"),
    (682, "Incorrect Calculation"),
    (693, "Protection Mechanism Failure"),
    (704, "Incorrect Type Conversion or Cast"),
    (732, "Incorrect Permission Assignment for Critical Resource"),
    (754, "Improper Check for Unusual or Exceptional Conditions"),
    (755, "Improper Handling of Exceptional Conditions"),
    (770, "Allocation of Resources Without Limits or Throttling"),
    (772, "Missing Release of Resource after Effective Lifetime"),
    (776, "Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')"),
    (787, "Out-of-bounds Write"),
    (798, "Use of Hard-coded Credentials"),
    (822, "Untrusted Pointer Dereference"),
    (824, "Access of Uninitialized Pointer"),
    (829, "Inclusion of Functionality from Untrusted Control Sphere"),
    (834, "Excessive Iteration"),
    (835, "Loop with Unreachable Exit Condition ('Infinite Loop')"),
    (843, "Access of Resource Using Incompatible Type ('Type Confusion')"),
    (862, "Missing Authorization"),
    (863, "Incorrect Authorization"),
    (908, "Use of Uninitialized Resource"),
    (909, "Missing Initialization of Resource"),
    (915, "Improperly Controlled Modification of Dynamically-Determined Object Attributes"),
    (916, "Use of Password Hash With Insufficient Computational Effort"),
    (917, "Improper Neutralization of Special Elements used in an Expression Language Statement ('Expression Language Injection')"),
    (918, "Server-Side Request Forgery (SSRF)"),
    (943, "Improper Neutralization of Special Elements in Data Query Logic"),
    (1021, "Improper Restriction of Rendered UI Layers or Frames"),
    (1104, "Use of Unmaintained Third Party Components"),
    (1188, "Initialization of a Resource with an Insecure Default"),
    (1236, "Improper Neutralization of Formula Elements in a CSV File"),
    (1284, "Improper Validation of Specified Quantity in Input"),
    (1321, "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')"),
    (1333, "Inefficient Regular Expression Complexity"),
    (1336, "Improper Neutralization of Special Elements Used in a Template Engine"),
];

/// The catalog name of CWE-`number`, when the table has it.
pub(crate) fn cwe_name(number: u32) -> Option<&'static str> {
    CWE_NAMES
        .binary_search_by_key(&number, |(n, _)| *n)
        .ok()
        .and_then(|index| CWE_NAMES.get(index))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_looks_up() {
        assert!(CWE_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(cwe_name(787), Some("Out-of-bounds Write"));
        assert_eq!(
            cwe_name(79),
            Some("Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')")
        );
        assert_eq!(cwe_name(4), None);
    }

    #[test]
    fn names_agree_with_the_csaf_validators_catalog() {
        for (number, name) in CWE_NAMES {
            assert_eq!(crate::csaf::cwe_name(*number), Some(*name), "CWE-{number}");
        }
    }
}
