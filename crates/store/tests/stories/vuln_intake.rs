//! Intake's bulk statements: lookups that take a whole batch's keys as one
//! JSON array parameter, and the one-statement bump of existing cases.
use crate::support::fixtures::{seed, t};
use crate::support::for_each_backend;
use bulwark_domain::ids::{CaseId, VulnReportId};
use bulwark_store::{CaseBump, Dialect, IntakeTable, NewVulnCase, NewVulnReport};

/// Keys that JSON must escape, and some that it must not mangle.
const AWKWARD: &str = "fp:tool/name=quote \" backslash \\ tab \t ünïcödé 🦀 </script>";

fn case(seq: i64, max_cvss: Option<f64>) -> NewVulnCase {
    NewVulnCase {
        id: CaseId::time_ordered(),
        seq,
        canonical_report_id: VulnReportId::time_ordered(),
        title: format!("case {seq}"),
        state: "new".into(),
        report_count: 1,
        max_cvss,
        qualitative: None,
        exploited: false,
        exposure: 0.0,
        priority: 10.0,
        tlp: "AMBER".into(),
        signature: None,
        embargo_until: None,
        created_at: t(10),
    }
}

#[tokio::test]
async fn batch_lookups_find_exactly_the_stored_keys_hashes_and_client_keys() {
    for_each_backend(|store| async move {
        let w = seed(&store).await?;
        let cases: Vec<NewVulnCase> = (1..=3).map(|seq| case(seq, None)).collect();
        let keys: Vec<(String, CaseId)> = (0..2_000)
            .map(|i| (format!("loc:{i:05}"), cases[i % 3].id))
            .chain([(AWKWARD.to_owned(), cases[2].id)])
            .collect();
        let report = |i: usize, client_key: Option<&str>| NewVulnReport {
            id: VulnReportId::time_ordered(),
            case_id: cases[0].id,
            content_hash: format!("{i:064x}"),
            client_key: client_key.map(str::to_owned),
            submitter_org: w.lab_a.id,
            submitter_user: w.lab_a_user.id,
            source_format: "native".into(),
            source_id: None,
            title: format!("report {i}"),
            cvss: None,
            found_by_model: None,
            found_in_submission: None,
            report: "{}".into(),
            received_at: t(20),
        };
        let mut tx = store.begin().await?;
        tx.insert_vuln_cases(&cases).await?;
        tx.insert_vuln_keys(&keys).await?;
        tx.insert_vuln_reports(&[report(1, Some("batch#0")), report(2, Some(AWKWARD))])
            .await?;
        tx.commit().await?;

        let mut tx = store.begin().await?;
        // Every stored key among unknown ones (and one asked for twice).
        let mut asked: Vec<String> = (0..2_500).map(|i| format!("loc:{i:05}")).collect();
        asked.push(AWKWARD.to_owned());
        asked.push("loc:00007".into());
        let found = tx.cases_by_keys(&asked).await?;
        assert_eq!(
            found.len(),
            2_001,
            "the 2,000 stored keys and the awkward one"
        );
        assert_eq!(found["loc:00004"], cases[1].id);
        assert_eq!(found[AWKWARD], cases[2].id);
        assert!(!found.contains_key("loc:02000"));
        assert!(tx.cases_by_keys(&[]).await?.is_empty());

        let hashes = vec![format!("{:064x}", 2), format!("{:064x}", 3)];
        let known = tx.existing_content_hashes(&hashes).await?;
        assert_eq!(known.into_iter().collect::<Vec<_>>(), [hashes[0].clone()]);

        let client_keys = vec!["batch#0".to_owned(), AWKWARD.to_owned(), "batch#1".into()];
        let mut known: Vec<String> = tx
            .existing_client_keys(w.lab_a.id, &client_keys)
            .await?
            .into_iter()
            .collect();
        known.sort();
        let mut expected = vec!["batch#0".to_owned(), AWKWARD.to_owned()];
        expected.sort();
        assert_eq!(known, expected);
        assert!(
            tx.existing_client_keys(w.lab_b.id, &client_keys)
                .await?
                .is_empty(),
            "client keys are per organisation"
        );

        // SQLite: what was stored after a row, in storage (rowid) order.
        match tx
            .intake_rows_after(IntakeTable::ExactKeys, 0, 1_500)
            .await?
        {
            None => {
                assert_eq!(store.dialect(), Dialect::Postgres);
                assert_eq!(tx.intake_rows_end().await?, None);
            }
            Some(first) => {
                assert_eq!(first.len(), 1_500);
                assert_eq!(first[0].1, "loc:00000");
                assert!(first.windows(2).all(|w| w[0].0 < w[1].0), "in rowid order");
                let after = first[1_499].0;
                let rest = tx
                    .intake_rows_after(IntakeTable::ExactKeys, after, 1_500)
                    .await?
                    .unwrap_or_default();
                assert_eq!(rest.len(), 501, "the other 500 keys and the awkward one");
                assert_eq!(rest[500].1, AWKWARD);
                let stored = tx
                    .intake_rows_after(IntakeTable::ContentHashes, 0, 10)
                    .await?
                    .unwrap_or_default();
                let stored_hashes: Vec<&str> = stored.iter().map(|(_, h)| h.as_str()).collect();
                assert_eq!(
                    stored_hashes,
                    [format!("{:064x}", 1), format!("{:064x}", 2)]
                );
                assert_eq!(
                    tx.intake_rows_end().await?,
                    Some((stored[1].0, rest[500].0))
                );
            }
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn bumps_update_every_case_in_one_pass_with_null_and_real_scores() {
    for_each_backend(|store| async move {
        seed(&store).await?;
        // More cases than one statement takes (1,024), some without a score.
        let cases: Vec<NewVulnCase> = (1..=1_100)
            .map(|seq| case(seq, (seq % 2 == 0).then_some(5.0)))
            .collect();
        let mut tx = store.begin().await?;
        tx.insert_vuln_cases(&cases).await?;
        // The same one-row statement with a NULL score, then with a real one
        // (a cached statement must take both), read back exactly.
        let (unscored, scored) = (case(2_001, None), case(2_002, Some(9.8)));
        tx.insert_vuln_cases(std::slice::from_ref(&unscored))
            .await?;
        tx.insert_vuln_cases(std::slice::from_ref(&scored)).await?;
        let read = |row: Option<bulwark_store::VulnCaseRow>| row.expect("case stored").max_cvss;
        assert_eq!(read(tx.get_vuln_case(unscored.id).await?), None);
        assert_eq!(read(tx.get_vuln_case(scored.id).await?), Some(9.8));
        tx.commit().await?;

        let bumps: Vec<CaseBump> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| CaseBump {
                id: c.id,
                added: i as i64 % 3 + 1,
                // NULL first, then real scores below and above the stored one.
                max_cvss: match i % 4 {
                    0 => None,
                    1 => Some(9.5),
                    2 => Some(2.0),
                    _ => Some(7.25),
                },
                exploited: i % 5 == 0,
            })
            .collect();
        let mut tx = store.begin().await?;
        tx.bump_vuln_cases(&bumps, t(99)).await?;
        tx.commit().await?;

        let mut tx = store.begin().await?;
        for (i, (c, bump)) in cases.iter().zip(&bumps).enumerate() {
            let row = tx.get_vuln_case(c.id).await?.expect("case stored");
            assert_eq!(row.report_count, 1 + bump.added, "case {i}");
            let want = match (c.max_cvss, bump.max_cvss) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, None) => a,
                (None, b) => b,
            };
            assert_eq!(row.max_cvss, want, "case {i}");
            assert_eq!(row.exploited, bump.exploited, "case {i}");
            assert_eq!(row.updated_at, t(99), "case {i}");
        }
        Ok(())
    })
    .await;
}
