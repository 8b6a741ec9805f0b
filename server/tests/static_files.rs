//! The widget package as the receiver serves it (`--static /pkg=pkg`), over real HTTP: readable
//! from any origin, the right content types, the build's brotli/gzip copies chosen by
//! `Accept-Encoding`, content-hashed names immutable and the loader revalidated with an ETag.
//! The static folders do not depend on the database, so SQLite alone is used.

mod support;

use support::*;
use undersigned_server::config::StaticMount;

/// A package folder as `cargo xtask build` writes it (small stand-in contents), and a receiver
/// serving it under `/pkg`.
async fn package_server() -> (TestServer, tempfile::TempDir, TestDb) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let pkg = dir.path();
    std::fs::write(pkg.join("undersigned.js"), "export const loader = 1;\n".repeat(40)).unwrap();
    std::fs::write(pkg.join("undersigned.js.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("undersigned.js.gz"), b"gzip bytes").unwrap();
    std::fs::write(pkg.join("undersigned_wasm_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("undersigned.d.ts"), "export {};\n").unwrap();
    std::fs::create_dir(pkg.join("cdn")).unwrap();
    std::fs::write(pkg.join("cdn/undersigned.0123456789abcdef.js"), "export {};\n").unwrap();
    let db = TestDb::new(Backend::Sqlite).await;
    let mount = StaticMount { prefix: "/pkg".into(), dir: pkg.to_path_buf() };
    let server = TestServer::with(&db, |config| config.static_mounts = vec![mount]).await;
    (server, dir, db)
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn package_files_are_readable_from_any_origin_with_their_content_types() {
    let (s, _dir, _db) = package_server().await;
    for (path, content_type) in [
        ("/pkg/undersigned.js", "text/javascript"),
        ("/pkg/undersigned_wasm_bg.wasm", "application/wasm"),
        ("/pkg/undersigned.d.ts", "text/plain; charset=utf-8"),
    ] {
        let res = s.http.get(s.url(path)).header("origin", "http://partner.example:8000").send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(header(&res, "access-control-allow-origin"), "*", "{path}");
        assert_eq!(header(&res, "cross-origin-resource-policy"), "cross-origin", "{path}");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert!(header(&res, "content-type").starts_with(content_type), "{path}: {}", header(&res, "content-type"));
    }
    let missing = s.http.get(s.url("/pkg/nothing.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    s.stop().await;
}

#[tokio::test]
async fn the_build_s_compressed_copies_follow_accept_encoding() {
    let (s, _dir, _db) = package_server().await;
    let get = |encoding: &'static str| s.http.get(s.url("/pkg/undersigned.js")).header("accept-encoding", encoding);
    let br = get("gzip, deflate, br, zstd").send().await.unwrap();
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "content-type").starts_with("text/javascript"), "the original's type, not .br's");
    assert!(header(&br, "vary").to_ascii_lowercase().contains("accept-encoding"));
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let gz = get("gzip").send().await.unwrap();
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(gz.bytes().await.unwrap().as_ref(), b"gzip bytes");
    let plain = get("identity").send().await.unwrap();
    assert_eq!(header(&plain, "content-encoding"), "");
    assert!(plain.text().await.unwrap().starts_with("export const loader"));
    s.stop().await;
}

#[tokio::test]
async fn hashed_files_are_immutable_and_the_loader_is_revalidated_with_an_etag() {
    let (s, _dir, _db) = package_server().await;
    let hashed = s.http.get(s.url("/pkg/cdn/undersigned.0123456789abcdef.js")).send().await.unwrap();
    assert_eq!(header(&hashed, "cache-control"), "public, max-age=31536000, immutable");

    let loader = s.http.get(s.url("/pkg/undersigned.js")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(header(&loader, "cache-control"), "no-cache");
    let etag = header(&loader, "etag");
    assert!(etag.starts_with("W/\""), "a weak ETag: {etag:?}");
    let last_modified = header(&loader, "last-modified");

    // A browser revalidating sends both validators; the tag decides.
    let again = s
        .http
        .get(s.url("/pkg/undersigned.js"))
        .header("accept-encoding", "br")
        .header("if-none-match", &etag)
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), etag);
    assert_eq!(header(&again, "access-control-allow-origin"), "*");
    assert_eq!(header(&again, "cache-control"), "no-cache");

    // The gzip copy is other bytes: its tag differs, so the brotli tag does not validate it.
    let gzip = s
        .http
        .get(s.url("/pkg/undersigned.js"))
        .header("accept-encoding", "gzip")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.status(), 200);
    assert_ne!(header(&gzip, "etag"), etag);
    s.stop().await;
}
