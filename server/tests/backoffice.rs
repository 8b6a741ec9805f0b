//! The organizers' back office (/admin) over a real receiver, on SQLite and PostgreSQL: accounts
//! made by the CLI, sign-in with throttling, sessions, CSRF and cross-site refusals, roles
//! enforced by the server (pages and API tokens), the audit log.

mod support;

use reqwest::header;
use support::*;
use undersigned_core::api_error::ErrorCode;
use undersigned_server::organizers::{accounts, Role};
use undersigned_server::store::{AuditFilter, Store};

const PASSWORD: &str = "a long enough password";

/// A browser-like client of the back office: no redirects followed, the session cookie kept.
struct Organizer {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl Organizer {
    async fn sign_in(base: &str, email: &str, password: &str) -> Result<Organizer, reqwest::Response> {
        let http = client();
        let res = http
            .post(format!("{base}/admin/sign-in"))
            .header(header::ORIGIN, base)
            .form(&[("email", email), ("password", password), ("next", "/admin")])
            .send()
            .await
            .unwrap();
        if res.status() != 303 {
            return Err(res);
        }
        let set_cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
            assert!(set_cookie.contains(attribute), "{set_cookie} lacks {attribute}");
        }
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        Ok(Organizer { http, base: base.to_string(), cookie })
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).header(header::COOKIE, &self.cookie).send().await.unwrap()
    }

    async fn page(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// The CSRF token in the forms of `path`.
    async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.page(path).await;
        let at = html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
        html[at..at + 64].to_string()
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, &self.base)
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

async fn add(store: &Store, email: &str, role: Role) {
    accounts::add_organizer(store, "test", email, "", CAMPAIGN, role, Some(PASSWORD), accounts::Invitation::Link)
        .await
        .expect("organizer added");
}

async fn audit_actions(store: &Store) -> Vec<String> {
    let entries =
        store.audit_entries(&AuditFilter { campaign: CAMPAIGN.into(), ..Default::default() }, 100).await.unwrap();
    entries.into_iter().map(|e| format!("{} {}", e.actor, e.action)).collect()
}

both_backends!(roles_sessions_csrf_and_audit, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let store = Store::connect(&db.url).await.unwrap();
    add(&store, "owner@example.org", Role::Owner).await;
    add(&store, "viewer@example.org", Role::Viewer).await;
    add(&store, "editor@example.org", Role::Editor).await;
    assert_eq!(s.sign(individual("ana@example.org", &uuid(1))).await.0, 201);

    // Without a session, pages send to the sign-in page.
    let res = client().get(s.url(&format!("/admin/campaigns/{CAMPAIGN}/signers"))).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()[header::LOCATION].to_str().unwrap().starts_with("/admin/sign-in?next="));

    let owner =
        Organizer::sign_in(&s.base, "Owner@Example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let (status, html) = owner.page(&format!("/admin/campaigns/{CAMPAIGN}/signers")).await;
    assert_eq!(status, 200);
    assert!(html.contains("ana@example.org"), "owners see emails");
    let res = owner.get(&format!("/admin/campaigns/{CAMPAIGN}")).await;
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), "{csp}");
    assert!(res.text().await.unwrap().contains("<svg"), "the chart is drawn by the receiver");

    // A viewer never gets an email: not on the page, not in an export, not through a search.
    let viewer =
        Organizer::sign_in(&s.base, "viewer@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let (status, html) = viewer.page(&format!("/admin/campaigns/{CAMPAIGN}/signers?q=ana%40example")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("ana@example.org") && !html.contains("Ana Example"), "no email, and no search by email");
    let (status, _) = viewer.page(&format!("/admin/campaigns/{CAMPAIGN}/signers.csv")).await;
    assert_eq!(status, 403, "a viewer asking for emails is refused by the server");
    let (status, _) = viewer.page(&format!("/admin/campaigns/{CAMPAIGN}/settings")).await;
    assert_eq!(status, 403);

    // The owner's export is audited.
    let res = owner.get(&format!("/admin/campaigns/{CAMPAIGN}/signers.csv")).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("ana@example.org"));
    assert!(audit_actions(&store).await.contains(&"owner@example.org signers.export".to_string()));

    // An editor changes a status through the form; the change is in the history and the log.
    let editor =
        Organizer::sign_in(&s.base, "editor@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let path = format!("/admin/campaigns/{CAMPAIGN}/demands/contract");
    let csrf = editor.csrf(&path).await;
    let preview = editor
        .post(&path, &[("csrf", &csrf), ("status", "disclosed"), ("note", "Released."), ("action", "preview")])
        .await;
    assert_eq!(preview.status(), 200);
    assert!(preview.text().await.unwrap().contains("Released."));
    assert!(store.demand_history(CAMPAIGN, "contract").await.unwrap().is_empty(), "a preview changes nothing");
    let saved = editor
        .post(&path, &[("csrf", &csrf), ("status", "disclosed"), ("note", "Released."), ("action", "save")])
        .await;
    assert_eq!(saved.status(), 303);
    let history = store.demand_history(CAMPAIGN, "contract").await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].changed_by, "editor@example.org");
    assert!(audit_actions(&store).await.contains(&"editor@example.org demand.status".to_string()));
    // … but may not moderate.
    let csrf_m = editor.csrf(&format!("/admin/campaigns/{CAMPAIGN}/demands/contract")).await;
    let res = editor
        .post(
            &format!("/admin/campaigns/{CAMPAIGN}/moderation"),
            &[("csrf", &csrf_m), ("action", "approve"), ("signer", "1")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // CSRF: a change without the session's token, or from another site, is refused.
    let res = editor.post(&path, &[("csrf", "0000"), ("status", "refused"), ("action", "save")]).await;
    assert_eq!(res.status(), 403);
    let res = editor
        .http
        .post(s.url(&path))
        .header(header::COOKIE, &editor.cookie)
        .header(header::ORIGIN, "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", csrf.as_str()), ("status", "refused"), ("action", "save")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(store.demand_history(CAMPAIGN, "contract").await.unwrap().len(), 1, "nothing changed");

    // Signing out everywhere ends every session of that organizer.
    let second =
        Organizer::sign_in(&s.base, "editor@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let res = editor.post("/admin/sign-out-everywhere", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(second.get("/admin").await.status(), 303, "the other session ended too");

    // A delivery recorded as public shows on the public letter page; a private one does not.
    let delivery = format!("/admin/campaigns/{CAMPAIGN}/delivery");
    let csrf_d = owner.csrf(&delivery).await;
    for (to, public) in [("The Agency's front desk", "1"), ("A private meeting", "")] {
        let mut form =
            vec![("csrf", csrf_d.as_str()), ("delivered_on", "2026-11-27"), ("recipient", to), ("method", "by hand")];
        if !public.is_empty() {
            form.push(("public", public));
        }
        assert_eq!(owner.post(&delivery, &form).await.status(), 303);
    }
    let letter = s.http.get(s.url(&format!("/campaigns/{CAMPAIGN}"))).send().await.unwrap().text().await.unwrap();
    assert!(letter.contains("2026-11-27: to The Agency&#39;s front desk (by hand)."), "public delivery shown");
    assert!(!letter.contains("A private meeting"));
    let (_, print) = viewer.page(&format!("{delivery}/print")).await;
    assert!(
        print.contains("A Test Letter") && print.contains("Ana Example"),
        "the print page: the letter and its approved signers"
    );
    assert!(!print.contains("ana@example.org"));

    // A token made by the owner for a viewer: read-only on the API, no emails.
    let csrf_o = owner.csrf(&format!("/admin/campaigns/{CAMPAIGN}/organizers")).await;
    let res = owner
        .post(
            &format!("/admin/campaigns/{CAMPAIGN}/tokens"),
            &[("csrf", &csrf_o), ("label", "dashboard"), ("role", "viewer")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let at = html.find("class=\"secret\">").unwrap() + 15;
    let token = html[at..at + 64].to_string();
    let api = |path: &str| s.http.get(s.url(&format!("/api/admin{path}"))).bearer_auth(&token);
    assert_eq!(api(&format!("/campaigns/{CAMPAIGN}/settings")).send().await.unwrap().status(), 200);
    let refused = api(&format!("/campaigns/{CAMPAIGN}/signers.csv")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["code"], ErrorCode::Forbidden.as_str());
    assert_eq!(api(&format!("/campaigns/{CAMPAIGN}/signers")).send().await.unwrap().status(), 403);
    // The receiver's own admin token still does everything.
    assert_eq!(
        s.admin(reqwest::Method::GET, &format!("/campaigns/{CAMPAIGN}/signers.csv")).send().await.unwrap().status(),
        200
    );
    // Revoked, the token opens nothing.
    let listed = store.api_tokens(CAMPAIGN).await.unwrap();
    let res =
        owner.post(&format!("/admin/campaigns/{CAMPAIGN}/tokens/{}/revoke", listed[0].id), &[("csrf", &csrf_o)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(api(&format!("/campaigns/{CAMPAIGN}/settings")).send().await.unwrap().status(), 401);
    store.close().await;
    s.stop().await;
});

both_backends!(failed_sign_ins_are_throttled_per_account, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let store = Store::connect(&db.url).await.unwrap();
    add(&store, "owner@example.org", Role::Owner).await;
    for _ in 0..undersigned_server::organizers::MAX_FAILURES_PER_ACCOUNT {
        let res = Organizer::sign_in(&s.base, "owner@example.org", "wrong password!!").await.err().expect("refused");
        assert_eq!(res.status(), 401);
    }
    // Now even the right password is refused until the window has passed.
    let res = Organizer::sign_in(&s.base, "owner@example.org", PASSWORD).await.err().expect("throttled");
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    // An unknown account answers exactly as a known one (no way to tell who has an account).
    let res = Organizer::sign_in(&s.base, "nobody@example.org", PASSWORD).await.err().expect("refused");
    assert_eq!(res.status(), 401);
    assert!(!audit_actions(&store).await.iter().any(|a| a.contains("sign_in")), "sign-ins belong to no campaign");
    let with_sign_ins = AuditFilter { campaign: CAMPAIGN.into(), with_sign_ins: true, ..Default::default() };
    assert!(!store.audit_entries(&with_sign_ins, 100).await.unwrap().is_empty());
    let all = store.audit_entries(&AuditFilter::default(), 100).await.unwrap();
    assert!(all.iter().filter(|e| e.action == "sign_in.failed").count() >= 5);
    store.close().await;
    s.stop().await;
});

both_backends!(the_first_owner_comes_from_the_cli_with_an_invitation_link, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let out =
        admin_cli(&db, &["add-organizer", "first@example.org", "--name", "First Owner", "--public-origin", &s.base]);
    let link =
        out.lines().find_map(|l| l.trim().strip_prefix(s.base.as_str())).expect("an invitation link").to_string();
    assert!(link.starts_with("/admin/welcome/"), "{out}");
    let http = client();
    let res = http.get(s.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), 200, "a GET only shows the form");
    let res =
        http.post(s.url(&link)).header(header::ORIGIN, &s.base).form(&[("password", "short")]).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let res =
        http.post(s.url(&link)).header(header::ORIGIN, &s.base).form(&[("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers().contains_key(header::SET_COOKIE));
    let res =
        http.post(s.url(&link)).header(header::ORIGIN, &s.base).form(&[("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(res.status(), 404, "the link works once");
    let owner =
        Organizer::sign_in(&s.base, "first@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let (status, html) = owner.page("/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains(CAMPAIGN), "an owner of every campaign sees this one");
    // The CLI's changes and exports are audited too (as `cli`); a plain listing of campaigns is not.
    admin_cli(&db, &["export", CAMPAIGN]);
    admin_cli(&db, &["campaigns"]);
    let store = Store::connect(&db.url).await.unwrap();
    let actions = audit_actions(&store).await;
    assert!(actions.contains(&"cli signers.export".to_string()), "{actions:?}");
    // (the owner of every campaign was added on no campaign in particular: not in this campaign's log)
    assert_eq!(actions.iter().filter(|a| a.starts_with("cli ")).count(), 1, "the export only: {actions:?}");
    store.close().await;
    s.stop().await;
});

/// A fresh client POSTing a form to `url` from this receiver's own pages (no session).
async fn post_form(base: &str, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client().post(url).header(header::ORIGIN, base).form(form).send().await.unwrap()
}

both_backends!(an_owner_invites_a_moderator_by_mail_the_link_works_once_and_gives_that_role, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = support::smtp::SmtpSink::start();
    let s = TestServer::mailing_through(&db, &sink).await;
    let store = Store::connect(&db.url).await.unwrap();
    add(&store, "owner@example.org", Role::Owner).await;
    let owner =
        Organizer::sign_in(&s.base, "owner@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let team = format!("/admin/campaigns/{CAMPAIGN}/organizers");
    let csrf = owner.csrf(&team).await;
    let res = owner
        .post(&format!("{team}/invite"), &[("csrf", &csrf), ("email", "Mo@Example.org"), ("role", "moderator")])
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("a mail with a link to choose a password is on its way"), "{html}");
    assert!(!html.contains("/admin/welcome/"), "with SMTP the link goes by mail only");

    let mail = sink.mail_to("mo@example.org").await;
    assert_eq!(mail.subject, "You are invited to the back office of “A Test Letter”");
    assert!(mail.text.contains("with the role “Moderator”"), "{}", mail.text);
    let link = mail.link("/admin/welcome/").unwrap_or_else(|| panic!("no invitation link in: {}", mail.text));
    // A GET (a mail scanner, a preview) shows the form and changes nothing, however often.
    for _ in 0..2 {
        let res = client().get(&link).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("mo@example.org"));
    }
    let (account, hash) = store.organizer_by_email("mo@example.org").await.unwrap().expect("the account");
    assert!(hash.is_none() && !account.has_password, "a GET chose no password");
    assert_eq!(
        Organizer::sign_in(&s.base, "mo@example.org", PASSWORD).await.err().map(|r| r.status().as_u16()),
        Some(401),
        "no password yet"
    );

    // The POST chooses the password and signs in, with the role the owner gave.
    let res = post_form(&s.base, &link, &[("password", PASSWORD)]).await;
    assert_eq!(res.status(), 303);
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let moderator = Organizer { http: client(), base: s.base.clone(), cookie };
    assert_eq!(moderator.page(&format!("/admin/campaigns/{CAMPAIGN}/moderation")).await.0, 200);
    assert_eq!(moderator.page(&format!("/admin/campaigns/{CAMPAIGN}/settings")).await.0, 403, "a moderator only");
    assert_eq!(store.organizer_roles(account.id).await.unwrap().on(CAMPAIGN), Some(Role::Moderator));
    // Used once: the link works no more, neither to look nor to choose another password.
    assert_eq!(client().get(&link).send().await.unwrap().status(), 404);
    assert_eq!(post_form(&s.base, &link, &[("password", "another long password")]).await.status(), 404);
    assert!(Organizer::sign_in(&s.base, "mo@example.org", PASSWORD).await.is_ok(), "the first password holds");
    let all = store.audit_entries(&AuditFilter::default(), 100).await.unwrap();
    assert!(all.iter().any(|e| e.action == "organizer.accept" && e.actor == "mo@example.org"));
    assert!(audit_actions(&store).await.contains(&"owner@example.org organizer.add".to_string()));
    store.close().await;
    s.stop().await;
});

both_backends!(an_expired_invitation_link_does_nothing, |backend| async move {
    use undersigned_server::organizers::secret;
    use undersigned_server::store::LinkPurpose;
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let store = Store::connect(&db.url).await.unwrap();
    let added = accounts::add_organizer(
        &store,
        "test",
        "late@example.org",
        "",
        CAMPAIGN,
        Role::Editor,
        None,
        accounts::Invitation::Link,
    )
    .await
    .unwrap();
    let fresh = added.invitation_token.expect("a link, without SMTP");
    // A second link for the same account that expired a minute ago.
    let stale = secret::new_token();
    store.create_link(&secret::digest(&stale), added.organizer, LinkPurpose::Invitation, -1).await.unwrap();
    let stale = s.url(&format!("/admin/welcome/{stale}"));
    assert_eq!(client().get(&stale).send().await.unwrap().status(), 404);
    assert_eq!(post_form(&s.base, &stale, &[("password", PASSWORD)]).await.status(), 404);
    assert!(!store.organizer(added.organizer).await.unwrap().unwrap().has_password, "nothing chosen");
    // The fresh one still works; then the account's other invitation links are used up too.
    let other = secret::new_token();
    store.create_link(&secret::digest(&other), added.organizer, LinkPurpose::Invitation, 60).await.unwrap();
    let res = post_form(&s.base, &s.url(&format!("/admin/welcome/{fresh}")), &[("password", PASSWORD)]).await;
    assert_eq!(res.status(), 303);
    let other = s.url(&format!("/admin/welcome/{other}"));
    assert_eq!(client().get(&other).send().await.unwrap().status(), 404, "an accepted invitation ends the others");
    store.close().await;
    s.stop().await;
});

both_backends!(a_sign_in_link_by_mail_works_once_and_reveals_no_account, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = support::smtp::SmtpSink::start();
    let s = TestServer::mailing_through(&db, &sink).await;
    let store = Store::connect(&db.url).await.unwrap();
    add(&store, "owner@example.org", Role::Owner).await;
    let page = client().get(s.url("/admin/sign-in")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("action=\"/admin/sign-in/link\""), "offered when the receiver sends mail");

    // An address with no account gets the same answer, and no mail is queued.
    let unknown = post_form(&s.base, &s.url("/admin/sign-in/link"), &[("email", "nobody@example.org")]).await;
    assert_eq!(unknown.status(), 200);
    let unknown = unknown.text().await.unwrap();
    assert_eq!(store.queued_mail_count().await.unwrap(), 0);
    let known = post_form(&s.base, &s.url("/admin/sign-in/link"), &[("email", "owner@example.org")]).await;
    assert_eq!(known.status(), 200);
    assert_eq!(known.text().await.unwrap(), unknown, "the same page either way");

    let mail = sink.mail_to("owner@example.org").await;
    assert_eq!(mail.subject, "Your sign-in link for the back office");
    let link = mail.link("/admin/sign-in/link/").unwrap_or_else(|| panic!("no sign-in link in: {}", mail.text));
    let res = client().get(&link).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(!res.headers().contains_key(header::SET_COOKIE), "a GET signs nobody in");
    let res = post_form(&s.base, &link, &[]).await;
    assert_eq!(res.status(), 303);
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let owner = Organizer { http: client(), base: s.base.clone(), cookie };
    assert_eq!(owner.page(&format!("/admin/campaigns/{CAMPAIGN}/settings")).await.0, 200);
    assert_eq!(post_form(&s.base, &link, &[]).await.status(), 404, "the link works once");
    store.close().await;
    s.stop().await;
});

both_backends!(
    moderation_shows_signatures_awaiting_confirmation_apart_and_owners_the_mail_given_up_on,
    |backend| async move {
        let db = TestDb::new(backend).await;
        // An SMTP server nobody listens on: every mail fails, and is retried later.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let s = TestServer::with(&db, |c| c.mail.smtp_url = Some(format!("smtp://127.0.0.1:{closed}"))).await;
        s.set_settings(serde_json::json!({"confirmation": "email"})).await;
        let store = Store::connect(&db.url).await.unwrap();
        add(&store, "owner@example.org", Role::Owner).await;
        add(&store, "mod@example.org", Role::Moderator).await;
        assert_eq!(s.sign(individual("wren@example.org", &uuid(1))).await.0, 202, "awaiting confirmation");

        // Awaiting confirmation: apart on the moderation page, and in none of the overview's figures.
        let owner = Organizer::sign_in(&s.base, "owner@example.org", PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}", r.status()));
        let moderation = format!("/admin/campaigns/{CAMPAIGN}/moderation");
        let (_, html) = owner.page(&moderation).await;
        let awaiting = html.find("id=\"q-awaiting\"").expect("the awaiting-confirmation section");
        assert!(html[awaiting..].contains("Awaiting email confirmation <span class=\"count\">(1)</span>"), "{html}");
        assert!(html[awaiting..].contains("wren@example.org"));
        assert!(!html[..awaiting].contains("wren@example.org"), "in no queue to approve");
        let (_, overview) = owner.page(&format!("/admin/campaigns/{CAMPAIGN}")).await;
        assert!(overview.contains("<dt>Signatures in total</dt><dd>0</dd>"), "{overview}");
        assert!(overview.contains("<dt>Awaiting email confirmation (not counted)</dt><dd>1</dd>"), "{overview}");
        let (_, signers) = owner.page(&format!("/admin/campaigns/{CAMPAIGN}/signers?confirmation=awaiting")).await;
        assert!(signers.contains("wren@example.org") && signers.contains("Approved (awaiting email confirmation)"));
        let (_, signers) = owner.page(&format!("/admin/campaigns/{CAMPAIGN}/signers?confirmation=confirmed")).await;
        assert!(!signers.contains("wren@example.org"), "the filter keeps confirmed signers only");

        // The confirmation mail fails; after its last attempt the sender gives up and keeps it.
        let queued = store.due_mail("9999", 10).await.unwrap();
        assert_eq!(queued.len(), 1);
        store.mail_failed(queued[0].id, 34, "2000-01-01T00:00:00.000Z", "earlier failures").await.unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let failed = loop {
            let failed = store.failed_mail(CAMPAIGN).await.unwrap();
            if !failed.is_empty() || std::time::Instant::now() > deadline {
                break failed;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        assert_eq!(failed.len(), 1, "the sender gave up on the mail and kept it");
        assert_eq!((failed[0].to.as_str(), failed[0].attempts), ("wren@example.org", 35));
        assert!(!failed[0].last_error.is_empty());
        assert_eq!(store.queued_mail_count().await.unwrap(), 0, "no longer waiting");
        assert!(store.due_mail("9999", 10).await.unwrap().is_empty(), "never tried again");
        let (_, html) = owner.page(&moderation).await;
        let section = html.find("id=\"q-failed-mail\"").expect("owners see the failed mail");
        assert!(html[section..].contains("Confirm a signature") && html[section..].contains("wren@example.org"));
        // A moderator sees the awaiting signature but not the mail (owners only).
        let moderator =
            Organizer::sign_in(&s.base, "mod@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
        let (_, html) = moderator.page(&moderation).await;
        assert!(html.contains("id=\"q-awaiting\"") && !html.contains("id=\"q-failed-mail\""));
        store.close().await;
        s.stop().await;
    }
);

both_backends!(
    the_letter_page_lists_the_revisions_and_shows_a_new_text_through_the_revisions_diff,
    |backend| async move {
        let db = TestDb::new(backend).await;
        let s = TestServer::new(&db).await;
        let store = Store::connect(&db.url).await.unwrap();
        add(&store, "editor@example.org", Role::Editor).await;
        let editor = Organizer::sign_in(&s.base, "editor@example.org", PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}", r.status()));
        let path = format!("/admin/campaigns/{CAMPAIGN}/letter");
        let (status, html) = editor.page(&path).await;
        assert_eq!(status, 200);
        assert!(html.contains("Revisions of the letter"), "{html}");
        assert!(html.contains(&format!("href=\"/campaigns/{CAMPAIGN}/revisions/1\"")), "each revision's public page");
        // A reworded paragraph: the changed words marked, as the revision pages mark them.
        let csrf = editor.csrf(&path).await;
        let reworded = reworded_campaign("We ask for all the records.");
        let res = editor.post(&path, &[("csrf", &csrf), ("source", &reworded), ("action", "preview")]).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("<ins>all </ins>"), "the added word is marked: {html}");
        // Only the signatories or the layout changed: no change to the endorsed text, no revision.
        let same = campaign_source().replace("We ask for the records.\n", "We ask for the records.\n\n");
        let res = editor.post(&path, &[("csrf", &csrf), ("source", &same), ("action", "preview")]).await;
        assert!(res.text().await.unwrap().contains("publishing makes no new revision"));
        let res = editor.post(&path, &[("csrf", &csrf), ("source", &reworded), ("action", "publish")]).await;
        assert_eq!(res.status(), 303);
        let (_, html) = editor.page(&path).await;
        assert!(html.contains(&format!("href=\"/campaigns/{CAMPAIGN}/revisions/2\"")), "the new revision is listed");
        store.close().await;
        s.stop().await;
    }
);

both_backends!(owners_set_the_confirmation_and_the_goal_which_the_campaign_data_serves, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let store = Store::connect(&db.url).await.unwrap();
    add(&store, "owner@example.org", Role::Owner).await;
    let owner =
        Organizer::sign_in(&s.base, "owner@example.org", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.status()));
    let path = format!("/admin/campaigns/{CAMPAIGN}/settings");
    let (_, html) = owner.page(&path).await;
    assert!(html.contains("id=\"confirmation-off\" name=\"confirmation\" value=\"off\" checked"), "as stored");
    let campaign_data = || async {
        let res = s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}"))).send().await.unwrap();
        res.json::<serde_json::Value>().await.unwrap()
    };
    assert!(campaign_data().await.get("goal").is_none(), "no goal until one is set");
    let csrf = owner.csrf(&path).await;
    let post = |goal: &'static str, confirmation: &'static str| {
        let fields = [
            ("csrf", csrf.as_str()),
            ("moderation", "auto"),
            ("organizations_need_review", "1"),
            ("min_fill_ms", "0"),
            ("confirmation", confirmation),
            ("goal", goal),
        ];
        let (owner, path) = (&owner, path.as_str());
        async move { owner.post(path, &fields).await }
    };
    assert_eq!(post("1000", "email").await.status(), 303);
    let settings = store.campaign_settings(CAMPAIGN).await.unwrap().unwrap();
    assert_eq!((settings.goal, settings.confirmation.as_str()), (Some(1000), "email"));
    assert_eq!(campaign_data().await["goal"], 1000, "served in the campaign data");
    // A goal that is no whole number from 1 is refused, and nothing changes.
    for bad in ["0", "many", "-5"] {
        let res = post(bad, "off").await;
        assert_eq!(res.status(), 422, "{bad}");
        assert!(res.text().await.unwrap().contains("whole number of signatures"));
    }
    assert_eq!(store.campaign_settings(CAMPAIGN).await.unwrap().unwrap().confirmation.as_str(), "email");
    // A script of an earlier release that PUTs settings without `goal` keeps it.
    let res = s
        .admin(reqwest::Method::PUT, &format!("/campaigns/{CAMPAIGN}/settings"))
        .json(&serde_json::json!({"moderation": "auto", "organizations_need_review": true, "allowed_origins": [], "min_fill_ms": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["goal"], 1000);
    // Emptied, the goal goes; the CLI sets it too.
    assert_eq!(post("", "off").await.status(), 303);
    assert!(campaign_data().await.get("goal").is_none());
    admin_cli(&db, &["settings", CAMPAIGN, "--goal", "250"]);
    // The CLI writes to the database behind the receiver's back: its snapshots follow on their poll.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while campaign_data().await["goal"] != 250 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(campaign_data().await["goal"], 250, "the CLI's goal, served once the snapshot is refreshed");
    store.close().await;
    s.stop().await;
});

both_backends!(
    editors_ask_the_signers_of_an_earlier_text_to_endorse_the_current_one_from_the_letter_page,
    |backend| async move {
        let db = TestDb::new(backend).await;
        let s = TestServer::new(&db).await;
        let store = Store::connect(&db.url).await.unwrap();
        add(&store, "editor@example.org", Role::Editor).await;
        add(&store, "moderator@example.org", Role::Moderator).await;
        let path = format!("/admin/campaigns/{CAMPAIGN}/letter");
        let action = format!("{path}/endorsement-requests");
        assert_eq!(s.sign(individual("ana@example.org", &uuid(1))).await.0, 201);
        assert_eq!(s.sign(individual("bo@example.org", &uuid(2))).await.0, 201);
        let editor = Organizer::sign_in(&s.base, "editor@example.org", PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}", r.status()));
        // One revision only: nothing to ask, no section.
        let (_, html) = editor.page(&path).await;
        assert!(!html.contains(&action), "{html}");
        let csrf = editor.csrf(&path).await;
        let reworded = reworded_campaign("We ask for all the records.");
        let res = editor.post(&path, &[("csrf", &csrf), ("source", &reworded), ("action", "publish")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(s.sign(individual("cy@example.org", &uuid(3))).await.0, 201);
        // The two signers of revision 1 would be mailed, not the signer of the current text.
        let (_, html) = editor.page(&path).await;
        assert!(html.contains(&format!("<form method=\"post\" action=\"{action}\">")), "{html}");
        assert!(html.contains("2 confirmed signers of an earlier text would be mailed."), "{html}");
        // A moderator may not (the letter is the editors'), and neither may a form without the token.
        let moderator = Organizer::sign_in(&s.base, "moderator@example.org", PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}", r.status()));
        let (_, html) = moderator.page(&path).await;
        assert!(!html.contains(&action), "no button for a moderator");
        let moderator_csrf = moderator.csrf(&format!("/admin/campaigns/{CAMPAIGN}")).await;
        assert_eq!(moderator.post(&action, &[("csrf", &moderator_csrf)]).await.status(), 403);
        assert_eq!(editor.post(&action, &[("csrf", "0")]).await.status(), 403);
        assert!(audit_actions(&store).await.iter().all(|a| !a.contains("endorsement")), "nothing was asked yet");
        // The editor presses the button: two mails queued, said on the page and in the audit log.
        let res = editor.post(&action, &[("csrf", &csrf)]).await;
        assert_eq!(res.status(), 303);
        let location = res.headers()[header::LOCATION].to_str().unwrap().to_string();
        assert_eq!(location, format!("{path}?endorse_requested=2"));
        let (_, html) = editor.page(&location).await;
        assert!(html.contains("A request to endorse the current text was queued for 2 signers."), "{html}");
        let entries =
            store.audit_entries(&AuditFilter { campaign: CAMPAIGN.into(), ..Default::default() }, 100).await.unwrap();
        let entry = entries.iter().find(|e| e.action == "signers.endorsement_requested").expect("an audit line");
        assert_eq!((entry.actor.as_str(), entry.detail.as_str()), ("editor@example.org", "2 mail(s)"));
        // Nobody's signature moved: that takes the signer's own press of the mailed link.
        let revisions: Vec<u64> = s.admin_signers().await.iter().map(|r| r["revision"].as_u64().unwrap()).collect();
        assert_eq!(revisions, [1, 1, 2]);
        store.close().await;
        s.stop().await;
    }
);
