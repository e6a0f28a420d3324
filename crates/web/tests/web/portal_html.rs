//! The portal over plain HTTP: sessions, CSRF, need-to-know, role-aware pages
//! and whole flows through the forms.
use crate::support::{banned_words_in, PortalServer, WebClient, MODEL_NAME, PASSWORD};
use anyhow::{ensure, Context, Result};
use bulwark_testkit::{backends, Backend};
use reqwest::StatusCode;

#[tokio::test]
async fn login_page_works_and_a_wrong_password_shows_an_error() -> Result<()> {
    for backend in backends()? {
        let s = PortalServer::start(backend).await?;
        let mut c = s.client()?;
        let page = c.get("/login").await?.expect(StatusCode::OK)?;
        ensure!(
            page.body
                .contains("<form method=\"post\" action=\"/login\">")
                && page.body.contains("type=\"password\"")
        );

        let page = c
            .post(
                "/login",
                &[
                    ("username", "lab"),
                    ("password", "not the password"),
                    ("next", "/"),
                ],
            )
            .await?;
        ensure!(page.status == StatusCode::UNAUTHORIZED, "{}", page.status);
        ensure!(
            page.body.contains("Wrong user name or password"),
            "{}",
            page.body
        );
        ensure!(page.body.contains("value=\"lab\""), "the user name is kept");
        ensure!(
            !page.body.contains("not the password"),
            "the password is never echoed"
        );
        ensure!(c.cookie().is_none());

        // Without a session every page sends the browser to the login page, remembering where it was.
        let page = c
            .get("/submissions?x=1")
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        ensure!(
            page.location.as_deref() == Some("/login?next=/submissions%3Fx%3D1"),
            "{:?}",
            page.location
        );

        // The right password sets an HttpOnly, SameSite=Strict session cookie and follows `next`.
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "lab"),
                ("password", PASSWORD),
                ("next", "/submissions"),
            ])
            .send()
            .await?;
        ensure!(res.status() == StatusCode::SEE_OTHER);
        ensure!(
            res.headers().get("location").and_then(|v| v.to_str().ok()) == Some("/submissions")
        );
        let cookie = res
            .headers()
            .get("set-cookie")
            .context("set-cookie")?
            .to_str()?
            .to_string();
        for attr in ["bulwark_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
            ensure!(cookie.contains(attr), "{cookie} lacks {attr}");
        }
        // An outside `next` is not followed.
        c.post(
            "/login",
            &[
                ("username", "lab"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await
        .map(|p| {
            assert_eq!(p.location.as_deref(), Some("/"));
        })?;
        let home = c.get("/").await?.expect(StatusCode::OK)?;
        ensure!(
            home.body.contains("acme-ai") && home.body.contains("Log out"),
            "{}",
            home.body
        );

        // Logging out ends the session on the server.
        let old = c.cookie().context("cookie")?.to_string();
        let page = c
            .submit("/", "/logout", &[])
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        ensure!(page.location.as_deref() == Some("/login"));
        ensure!(
            s.app().session(&old).await.is_err(),
            "the session must be revoked"
        );
        if backend == Backend::Sqlite {
            // Throttling: after five failures from one address (one above) the form says to wait (429).
            let mut t = s.client()?;
            for _ in 0..4 {
                t.post(
                    "/login",
                    &[("username", "reviewer"), ("password", "wrong password!")],
                )
                .await?
                .expect(StatusCode::UNAUTHORIZED)?;
            }
            let page = t
                .post(
                    "/login",
                    &[("username", "reviewer"), ("password", PASSWORD)],
                )
                .await?
                .expect(StatusCode::TOO_MANY_REQUESTS)?;
            ensure!(
                page.body.contains("Too many failed logins"),
                "{}",
                page.body
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_post_without_the_csrf_field_is_refused() -> Result<()> {
    let s = PortalServer::start(Backend::Sqlite).await?;
    let (_, sub) = s.seed_submission().await?;
    let mut lab = s.logged_in("lab").await?;
    let path = format!("/submissions/{sub}/withdraw");
    let page = lab.post(&path, &[]).await?.expect(StatusCode::FORBIDDEN)?;
    ensure!(
        page.body.contains("The form expired; reload the page"),
        "{}",
        page.body
    );
    let page = lab
        .post(&path, &[("csrf", "0000")])
        .await?
        .expect(StatusCode::FORBIDDEN)?;
    ensure!(page.body.contains("form expired"));
    // Another session's token does not work either.
    let other = s.logged_in("lab").await?;
    let mut other = other;
    let foreign = other.get("/").await?.csrf()?;
    lab.post(&path, &[("csrf", &foreign)])
        .await?
        .expect(StatusCode::FORBIDDEN)?;
    // Nothing happened.
    let view = s
        .app()
        .get_submission(&s.world.ctx("lab").await?, sub)
        .await?;
    ensure!(view.state.as_str() == "submitted", "{}", view.state);
    // Without any session, a POST goes to the login page.
    let page = s
        .client()?
        .post(&path, &[])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    ensure!(page.location.as_deref() == Some("/login"));
    Ok(())
}

#[tokio::test]
async fn pages_of_another_role_are_refused() -> Result<()> {
    let s = PortalServer::start(Backend::Sqlite).await?;
    let (model, sub) = s.seed_submission().await?;
    let cases: &[(&str, &[&str])] = &[
        (
            "lab",
            &[
                "/admin/users",
                "/admin/orgs",
                "/admin/audit",
                "/admin/tokens",
                "/standards",
                "/contests",
                "/profiles/new",
            ],
        ),
        (
            "reviewer",
            &["/models", "/designations", "/standards", "/admin/users"],
        ),
        ("designator", &["/models", "/submissions", "/admin/orgs"]),
        (
            "docauthor",
            &["/models", "/submissions", "/designations", "/contests"],
        ),
        (
            "admin",
            &["/models", "/submissions", "/designations", "/standards"],
        ),
    ];
    for (user, paths) in cases {
        let mut c = s.logged_in(user).await?;
        for path in *paths {
            let page = c.get(path).await?;
            ensure!(
                page.status == StatusCode::FORBIDDEN,
                "{user} {path}: {}",
                page.status
            );
            ensure!(
                page.body.contains("Not available to your role") && page.body.contains("Log out"),
                "{user} {path}: {}",
                page.body
            );
        }
    }
    // Need-to-know: another lab and an unassigned agency see "not found".
    for (user, path) in [
        ("otherlab", format!("/submissions/{sub}")),
        ("otherlab", format!("/models/{model}")),
        ("dhsreviewer", format!("/submissions/{sub}")),
    ] {
        let page = s.logged_in(user).await?.get(&path).await?;
        ensure!(
            page.status == StatusCode::NOT_FOUND,
            "{user} {path}: {}",
            page.status
        );
        ensure!(
            !page.body.contains(MODEL_NAME),
            "{user} must not learn the model's name"
        );
    }
    // Navigation shows only what the role can use.
    let home = s
        .logged_in("reviewer")
        .await?
        .get("/")
        .await?
        .expect(StatusCode::OK)?;
    ensure!(
        home.body.contains("href=\"/submissions\"")
            && !home.body.contains("href=\"/models\"")
            && !home.body.contains("href=\"/admin/users\"")
    );
    let home = s
        .logged_in("admin")
        .await?
        .get("/")
        .await?
        .expect(StatusCode::OK)?;
    ensure!(
        home.body.contains("href=\"/admin/users\"") && !home.body.contains("href=\"/submissions\"")
    );
    // Malformed ids and unknown addresses are friendly 404s, never 500s.
    let mut lab = s.logged_in("lab").await?;
    for path in [
        "/submissions/not-a-uuid",
        "/models/123",
        "/no/such/page",
        "/reports/00000000-0000-0000-0000-000000000000/download",
    ] {
        let page = lab.get(path).await?;
        ensure!(
            page.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            page.status
        );
        ensure!(page.body.contains("<h1"), "{path}: an HTML page");
    }
    let page = lab
        .get("/logout")
        .await?
        .expect(StatusCode::METHOD_NOT_ALLOWED)?;
    ensure!(page.body.contains("<h1"));
    let page = s
        .client()?
        .get("/no/such/page")
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    ensure!(page.location.as_deref() == Some("/login?next=/no/such/page"));
    Ok(())
}

#[tokio::test]
async fn the_assigned_reviewer_sees_the_submission_until_the_lab_withdraws() -> Result<()> {
    for backend in backends()? {
        let s = PortalServer::start(backend).await?;
        let (_, sub) = s.seed_submission().await?;
        let sub_path = format!("/submissions/{sub}");
        let mut reviewer = s.logged_in("reviewer").await?;
        let list = reviewer.get("/submissions").await?.expect(StatusCode::OK)?;
        ensure!(
            list.body.contains(&sub_path) && list.body.contains(MODEL_NAME),
            "{}",
            list.body
        );
        ensure!(
            list.body.contains("data-countdown=\""),
            "the window's countdown is on the list"
        );
        let page = reviewer.get(&sub_path).await?.expect(StatusCode::OK)?;
        for want in [
            "Start review",
            "Record finding",
            "Issue signed report",
            "data-countdown=\"2592000\"",
            "sk-test",
        ] {
            if want == "sk-test" {
                ensure!(!page.body.contains(want), "the API key never appears");
            } else {
                ensure!(
                    page.body.contains(want),
                    "reviewer page lacks {want}: {}",
                    page.body
                );
            }
        }
        ensure!(
            !page.body.contains("/withdraw"),
            "a reviewer cannot withdraw"
        );

        let mut lab = s.logged_in("lab").await?;
        let page = lab.get(&sub_path).await?.expect(StatusCode::OK)?;
        ensure!(page
            .body
            .contains("Reviewers lose access at once and the stored API key is destroyed"));
        ensure!(
            !page.body.contains("Record finding"),
            "a lab cannot record findings"
        );
        let done = lab
            .submit(&sub_path, &format!("{sub_path}/withdraw"), &[])
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        ensure!(done.location.as_deref() == Some(format!("{sub_path}?notice=withdrawn").as_str()));
        let page = lab
            .get(&format!("{sub_path}?notice=withdrawn"))
            .await?
            .expect(StatusCode::OK)?;
        ensure!(
            page.body.contains(">withdrawn</span>") && page.body.contains("reviewers lost access"),
            "{}",
            page.body
        );
        ensure!(
            !page.body.contains("id=\"withdraw\""),
            "nothing left to withdraw"
        );

        let page = reviewer
            .get(&sub_path)
            .await?
            .expect(StatusCode::NOT_FOUND)?;
        ensure!(
            page.body.contains("Not found") && !page.body.contains(MODEL_NAME),
            "{}",
            page.body
        );
        let list = reviewer.get("/submissions").await?.expect(StatusCode::OK)?;
        ensure!(!list.body.contains(&sub_path) && list.body.contains("No submission is assigned"));
        // Posting to it is refused the same way.
        reviewer
            .submit(
                "/",
                &format!("{sub_path}/findings"),
                &[
                    ("title", "t"),
                    ("category", "other"),
                    ("severity", "low"),
                    ("description", "d"),
                ],
            )
            .await?
            .expect(StatusCode::NOT_FOUND)?;
        // And the model page shows the key destroyed.
        let model = lab.get("/models").await?.expect(StatusCode::OK)?;
        ensure!(model.body.contains(">destroyed</span>"), "{}", model.body);
    }
    Ok(())
}

/// The lab registers and submits through the forms; the reviewer records a
/// finding and issues the signed report; the lab downloads it and it verifies.
#[tokio::test]
async fn review_flow_through_the_forms() -> Result<()> {
    let s = PortalServer::start(Backend::Sqlite).await?;
    let mut lab = s.logged_in("lab").await?;
    // A bad date re-renders the form with the field named, keeping the values but not the key.
    let page = lab
        .submit(
            "/models",
            "/models",
            &[
                ("name", "Acme-2"),
                ("version", "1"),
                ("planned_release", "soon"),
                ("base_url", "https://x.example/v1"),
                ("endpoint_model", "m"),
                ("api_key", "sk-never-echo"),
            ],
        )
        .await?
        .expect(StatusCode::UNPROCESSABLE_ENTITY)?;
    ensure!(
        page.body.contains("planned_release: ")
            && page.body.contains("value=\"Acme-2\"")
            && !page.body.contains("sk-never-echo"),
        "{}",
        page.body
    );
    let release = (s.app().clock.now() + chrono::Duration::days(10))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let created = lab
        .submit(
            "/models",
            "/models",
            &[
                ("name", "Acme-2"),
                ("version", "1"),
                ("planned_release", &release),
                ("base_url", "https://x.example/v1"),
                ("endpoint_model", "m"),
                ("api_key", "sk-never-echo"),
                ("model_card", "card"),
            ],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let model_path = created
        .location
        .context("location")?
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let page = lab.get(&model_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("stored, encrypted")
            && page.body.contains("value=\"caisi\"")
            && !page.body.contains("sk-never-echo")
    );
    // Submitting without ticking an agency names the field.
    let page = lab
        .submit(&model_path, &format!("{model_path}/submit"), &[])
        .await?
        .expect(StatusCode::UNPROCESSABLE_ENTITY)?;
    ensure!(
        page.body.contains("Agencies: tick at least one"),
        "{}",
        page.body
    );
    let sub = lab
        .submit(
            &model_path,
            &format!("{model_path}/submit"),
            &[("agency", "caisi"), ("agency", "dhs")],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let sub_path = sub
        .location
        .context("location")?
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let page = lab.get(&sub_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("caisi, dhs") && page.body.contains("data-countdown=\"864000\""),
        "{}",
        page.body
    );

    let mut reviewer = s.logged_in("reviewer").await?;
    reviewer
        .submit(&sub_path, &format!("{sub_path}/start"), &[])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    // An unknown severity is a 422 naming the field, never a 500.
    let bad = reviewer
        .submit(
            &sub_path,
            &format!("{sub_path}/findings"),
            &[
                ("title", "t"),
                ("category", "exploitation"),
                ("severity", "apocalyptic"),
                ("description", "d"),
            ],
        )
        .await?;
    ensure!(
        bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("Severity: "),
        "{} {}",
        bad.status,
        bad.body
    );
    let fields = [
        ("title", "Heap overflow <script>alert(1)</script>"),
        ("category", "exploitation"),
        ("severity", "high"),
        ("description", "Writes a working exploit."),
        ("evidence", "transcript 42"),
    ];
    reviewer
        .submit(&sub_path, &format!("{sub_path}/findings"), &fields)
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let page = reviewer.get(&sub_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("in review")
            && page.body.contains("Heap overflow &lt;script&gt;")
            && !page.body.contains("<script>alert"),
        "escaped: {}",
        page.body
    );
    reviewer
        .submit(
            &sub_path,
            &format!("{sub_path}/reports"),
            &[("summary", "Strong exploitation skills.")],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let page = reviewer.get(&sub_path).await?.expect(StatusCode::OK)?;
    ensure!(
        !page.body.contains("Issue signed report"),
        "one report per agency"
    );
    // The other agency sees neither CAISI's finding nor its report.
    let page = s
        .logged_in("dhsreviewer")
        .await?
        .get(&sub_path)
        .await?
        .expect(StatusCode::OK)?;
    ensure!(!page.body.contains("Heap overflow") && page.body.contains("No report issued yet"));

    let page = lab.get(&sub_path).await?.expect(StatusCode::OK)?;
    let marker = "/reports/";
    let start = page.body.find(marker).context("a download link")?;
    let link = page.body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    let res = reqwest::Client::new()
        .get(format!("{}{link}", s.base))
        .header(
            "cookie",
            format!("bulwark_session={}", lab.cookie().unwrap_or_default()),
        )
        .send()
        .await?;
    ensure!(res.status() == StatusCode::OK);
    ensure!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            == Some("application/json")
    );
    ensure!(res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment;")));
    let bytes = res.bytes().await?;
    let doc = bulwark_app::reports::parse_signed_report(&bytes)?;
    let key = bulwark_crypto::PublicKey::from_hex(&doc.public_key)?;
    bulwark_app::reports::verify_signed_report(&doc, &key)?;
    ensure!(doc.report["summary"] == "Strong exploitation skills.");
    Ok(())
}

const STANDARD: &str = r#"name = "Advanced cyber-offense capability"
decision = "any"

[[rules]]
metric = "cyber-core/exploitation.accuracy"
statistic = "ci95_lower"
comparison = ">="
threshold = 0.5
alert_threshold = 0.3
"#;

/// Standards co-signed by every body, a label, a contest and its answer,
/// all through the forms; the lab never sees the rules.
#[tokio::test]
async fn designation_flow_through_the_forms() -> Result<()> {
    let s = PortalServer::start(Backend::Sqlite).await?;
    let mut author = s.logged_in("docauthor").await?;
    let bad = author
        .submit("/standards", "/standards", &[("document", "name = ")])
        .await?;
    ensure!(
        bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("Document: "),
        "{} {}",
        bad.status,
        bad.body
    );
    let drafted = author
        .submit("/standards", "/standards", &[("document", STANDARD)])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let std_path = drafted
        .location
        .context("location")?
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let page = author.get(&std_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("Sign for commerce")
            && page.body.contains("cyber-core/exploitation.accuracy"),
        "{}",
        page.body
    );
    for body_author in [
        "docauthor",
        "whauthor",
        "dodauthor",
        "dhsauthor",
        "treasauthor",
    ] {
        let mut c = s.logged_in(body_author).await?;
        c.submit(&std_path, &format!("{std_path}/sign"), &[])
            .await?
            .expect(StatusCode::SEE_OTHER)?;
    }
    let page = author.get(&std_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains(">effective</span>") && !page.body.contains("Sign for"),
        "{}",
        page.body
    );
    let version_id = std_path.trim_start_matches("/standards/").to_string();

    let mut designator = s.logged_in("designator").await?;
    let page = designator
        .get("/designations")
        .await?
        .expect(StatusCode::OK)?;
    ensure!(
        page.body.contains(&format!("value=\"{version_id}\"")),
        "the effective version is offered"
    );
    let labelled = designator
        .submit(
            "/designations",
            "/designations",
            &[
                ("developer", "Acme AI"),
                ("model_name", "acme-unreleased"),
                ("model_version", "7"),
                ("standard_version_id", &version_id),
                ("reason", "Exploitation at expert level."),
            ],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let label_path = labelled
        .location
        .context("location")?
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let page = designator.get(&label_path).await?.expect(StatusCode::OK)?;
    ensure!(page.body.contains("Rescind the label") && page.body.contains("/secrets"));

    // The lab sees the label, the standard version and the commitment — never the rules.
    let mut lab = s.logged_in("lab").await?;
    let page = lab.get("/designations").await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("acme-unreleased")
            && page.body.contains(&version_id)
            && page.body.contains("Contest this label"),
        "{}",
        page.body
    );
    ensure!(
        !page.body.contains("cyber-core/exploitation") && !page.body.contains("threshold = "),
        "rules leaked"
    );
    lab.get(&std_path).await?.expect(StatusCode::FORBIDDEN)?;
    lab.get(&format!("{label_path}/secrets"))
        .await?
        .expect(StatusCode::FORBIDDEN)?;
    lab.submit(
        "/designations",
        &format!("{label_path}/contest"),
        &[("statement", "Our evaluation disagrees.")],
    )
    .await?
    .expect(StatusCode::SEE_OTHER)?;
    let page = lab.get(&label_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("Your contest is open") && page.body.contains("contest.file"),
        "{}",
        page.body
    );

    let page = designator.get("/contests").await?.expect(StatusCode::OK)?;
    ensure!(page.body.contains("Our evaluation disagrees."));
    let start = page.body.find("/contests/").context("answer form")?;
    let action = page.body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    let bad = designator
        .submit(
            "/contests",
            &action,
            &[("outcome", "maybe"), ("reason", "r")],
        )
        .await?;
    ensure!(
        bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("Outcome: "),
        "{}",
        bad.body
    );
    designator
        .submit(
            "/contests",
            &action,
            &[
                ("outcome", "rescind"),
                ("reason", "The lab's data is convincing."),
            ],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let page = lab.get(&label_path).await?.expect(StatusCode::OK)?;
    ensure!(
        page.body.contains(">rescinded</span>")
            && page.body.contains("The lab&#x27;s data is convincing."),
        "{}",
        page.body
    );
    Ok(())
}

/// Admin pages work, and the token secret shows once.
#[tokio::test]
async fn admin_and_token_pages() -> Result<()> {
    let s = PortalServer::start(Backend::Sqlite).await?;
    let mut admin = s.logged_in("admin").await?;
    admin
        .submit(
            "/admin/orgs",
            "/admin/orgs",
            &[
                ("slug", "water-co"),
                ("name", "Water Co"),
                ("kind", "operator"),
                ("sector", "water"),
            ],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let bad = admin
        .submit(
            "/admin/orgs",
            "/admin/orgs",
            &[("slug", "x"), ("name", "X"), ("kind", "lab")],
        )
        .await?;
    ensure!(
        bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("Slug: "),
        "{}",
        bad.body
    );
    admin
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("username", "newbie"),
                ("display_name", "New Lab Person"),
                ("org", "acme-ai"),
                ("role", "lab_member"),
                ("password", PASSWORD),
            ],
        )
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let bad = admin
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("username", "oops"),
                ("org", "acme-ai"),
                ("role", "reviewer"),
                ("password", PASSWORD),
            ],
        )
        .await?;
    ensure!(
        bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("Role: "),
        "{}",
        bad.body
    );
    admin
        .submit("/admin/users", "/admin/users/newbie/disable", &[])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let mut newbie = WebClient::new(&s.base)?;
    ensure!(
        newbie.login("newbie", PASSWORD).await.is_err(),
        "a disabled user cannot log in"
    );
    admin
        .submit("/admin/users", "/admin/users/newbie/enable", &[])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    newbie.login("newbie", PASSWORD).await?;
    let page = newbie
        .submit(
            "/tokens",
            "/tokens",
            &[("name", "ci"), ("scope", "read"), ("expires_in_days", "30")],
        )
        .await?
        .expect(StatusCode::OK)?;
    let start =
        page.body.find("id=\"token-secret\">").context("secret")? + "id=\"token-secret\">".len();
    let secret = page.body[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_string();
    ensure!(secret.starts_with("bwk_"), "{secret}");
    let again = newbie.get("/tokens").await?.expect(StatusCode::OK)?;
    ensure!(
        !again.body.contains(&secret) && again.body.contains(">active</span>"),
        "shown once"
    );
    ensure!(s.app().authenticate_token(&secret).await?.username == "newbie");
    let page = admin.get("/admin/tokens").await?.expect(StatusCode::OK)?;
    ensure!(page.body.contains("newbie"));
    let start = page.body.find("/admin/tokens/").context("revoke form")?;
    let action = page.body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    admin
        .submit("/admin/tokens", &action, &[])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    ensure!(
        s.app().authenticate_token(&secret).await.is_err(),
        "revoked"
    );
    admin
        .submit("/admin/audit", "/admin/audit/checkpoint", &[])
        .await?
        .expect(StatusCode::SEE_OTHER)?;
    let page = admin
        .get("/admin/audit?notice=checkpoint_signed")
        .await?
        .expect(StatusCode::OK)?;
    ensure!(
        page.body.contains("The log verifies.")
            && page.body.contains("token.revoke")
            && page
                .body
                .contains("A checkpoint of the audit log is signed"),
        "{}",
        page.body
    );
    Ok(())
}

/// No page, template or portal source uses words that would grant or
/// refuse a release.
#[tokio::test]
async fn the_portal_never_speaks_of_granting_or_refusing_a_release() -> Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["templates", "src/portal", "static"] {
        for entry in std::fs::read_dir(root.join(dir))? {
            let path = entry?.path();
            let text = std::fs::read_to_string(&path)?;
            let found = banned_words_in(&text);
            ensure!(found.is_empty(), "{} uses {found:?}", path.display());
        }
    }
    let s = PortalServer::start(Backend::Sqlite).await?;
    let (model, sub) = s.seed_submission().await?;
    let pages: &[(&str, Vec<String>)] = &[
        (
            "lab",
            vec![
                "/".into(),
                "/models".into(),
                format!("/models/{model}"),
                "/submissions".into(),
                format!("/submissions/{sub}"),
                "/designations".into(),
                "/tokens".into(),
            ],
        ),
        (
            "reviewer",
            vec![
                "/".into(),
                "/submissions".into(),
                format!("/submissions/{sub}"),
                "/models".into(),
            ],
        ),
        (
            "designator",
            vec![
                "/designations".into(),
                "/contests".into(),
                "/profiles/new".into(),
                "/standards".into(),
            ],
        ),
        ("docauthor", vec!["/standards".into()]),
        (
            "admin",
            vec![
                "/admin/orgs".into(),
                "/admin/users".into(),
                "/admin/tokens".into(),
                "/admin/audit".into(),
            ],
        ),
    ];
    let mut anonymous = s.client()?;
    let login = anonymous.get("/login").await?;
    ensure!(banned_words_in(&login.body).is_empty());
    for (user, paths) in pages {
        let mut c = s.logged_in(user).await?;
        for path in paths {
            let page = c.get(path).await?;
            ensure!(
                page.status.is_success() || page.status == StatusCode::FORBIDDEN,
                "{user} {path}: {}",
                page.status
            );
            let found = banned_words_in(&page.body);
            ensure!(found.is_empty(), "{user} {path} uses {found:?}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_analyst_triages_a_case_through_the_forms() -> Result<()> {
    use bulwark_app::clearinghouse::intake::IngestParams;
    use bulwark_formats::model::SourceFormat;
    for backend in backends()? {
        let s = PortalServer::start(backend).await?;
        let lab = s.world.ctx("lab").await?;
        let report = serde_json::json!({"title": "Overflow in libportal",
            "description": "A heap overflow in libportal's parser.",
            "aliases": ["CVE-2026-8101"],
            "affected": [{"product": {"purl": "pkg:generic/libportal", "name": "libportal"},
                "ranges": [{"kind": "semver", "events": [{"introduced": "1.0.0"}]}]}]});
        let out = s
            .app()
            .ingest(
                &lab,
                IngestParams {
                    format: Some(SourceFormat::Native),
                    body: report.to_string().into_bytes(),
                    ..IngestParams::default()
                },
            )
            .await?;
        let case = out.records[0].case.clone().context("case")?;
        let case_path = format!("/cases/{case}");

        let mut analyst = s.logged_in("analyst").await?;
        let home = analyst.get("/").await?.expect(StatusCode::OK)?;
        ensure!(
            home.body.contains("href=\"/cases\"") && home.body.contains("href=\"/advisories\""),
            "{}",
            home.body
        );
        let list = analyst.get("/cases").await?.expect(StatusCode::OK)?;
        ensure!(
            list.body.contains(&case_path) && list.body.contains("Overflow in libportal"),
            "{}",
            list.body
        );
        let filtered = analyst
            .get("/cases?state=triaged")
            .await?
            .expect(StatusCode::OK)?;
        ensure!(!filtered.body.contains(&case_path), "{}", filtered.body);

        let page = analyst.get(&case_path).await?.expect(StatusCode::OK)?;
        ensure!(
            page.body.contains("Overflow in libportal")
                && page.body.contains("heap overflow in libportal")
                && page.body.contains("acme-ai")
                && page.body.contains("Embargo deadline"),
            "{}",
            page.body
        );
        let page = analyst
            .submit(
                &case_path,
                &format!("{case_path}/triage"),
                &[("embargo_days", "30"), ("note", "confirmed")],
            )
            .await?
            .expect(StatusCode::SEE_OTHER)?;
        let to = page.location.context("redirect")?;
        ensure!(to.starts_with(&case_path), "{to}");
        let page = analyst.get(&to).await?.expect(StatusCode::OK)?;
        ensure!(
            page.body
                .contains("<dt>State</dt><dd><span class=\"badge\">triaged</span>")
                && page.body.contains("data-countdown=")
                && (page.body.contains("29d ") || page.body.contains("30d ")),
            "{}",
            page.body
        );
        let filtered = analyst
            .get("/cases?state=triaged")
            .await?
            .expect(StatusCode::OK)?;
        ensure!(filtered.body.contains(&case_path), "{}", filtered.body);
        // A bad TLP is a friendly 422 naming the field.
        let page = analyst
            .submit(
                &case_path,
                &format!("{case_path}/tlp"),
                &[("tlp", "PURPLE")],
            )
            .await?
            .expect(StatusCode::UNPROCESSABLE_ENTITY)?;
        ensure!(page.body.contains("is not a TLP level"), "{}", page.body);
        // Evidence is listed and downloads through the portal.
        let analyst_ctx = s.world.ctx("analyst").await?;
        let ev = s
            .app()
            .add_evidence(
                &analyst_ctx,
                case.parse()?,
                bulwark_app::clearinghouse::evidence::EvidenceParams {
                    file_name: "poc.txt".into(),
                    media_type: "text/plain".into(),
                    bytes: b"proof of concept".to_vec(),
                },
            )
            .await?;
        let page = analyst.get(&case_path).await?.expect(StatusCode::OK)?;
        let link = format!("{case_path}/evidence/{}", ev.id);
        ensure!(page.body.contains(&link), "{}", page.body);
        let file = analyst.get(&link).await?.expect(StatusCode::OK)?;
        ensure!(file.body == "proof of concept", "{}", file.body);
        let found = banned_words_in(&analyst.get(&case_path).await?.body);
        ensure!(found.is_empty(), "the case page uses {found:?}");

        // Not for anyone else.
        let mut bank = s.logged_in("bank").await?;
        let page = bank.get(&case_path).await?;
        ensure!(page.status == StatusCode::NOT_FOUND, "{}", page.status);
        ensure!(!page.body.contains("Overflow in libportal"));
        let page = bank.get(&link).await?;
        ensure!(page.status == StatusCode::NOT_FOUND, "{}", page.status);
        ensure!(!page.body.contains("proof of concept"));
        let page = bank.get("/cases").await?;
        ensure!(page.status == StatusCode::FORBIDDEN, "{}", page.status);
        let home = bank.get("/").await?.expect(StatusCode::OK)?;
        ensure!(
            !home.body.contains("href=\"/cases\"") && home.body.contains("href=\"/operator\""),
            "{}",
            home.body
        );
    }
    Ok(())
}
