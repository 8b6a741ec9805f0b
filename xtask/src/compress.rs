//! Compression as a server sends files: the `.gz`/`.br` copies the build writes next to the
//! package's files, and the figures `cargo xtask size` measures from the same encoders. A module of
//! its own so that the build and the size report do not import each other.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// `bytes` compressed as a server sends them: (gzip at its best level, brotli quality 11 with a
/// 4 MiB window). The sizes measured here are those of the `.gz`/`.br` copies the build writes.
pub fn compress(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("writing to a Vec cannot fail");
    let gzip = gz.finish().expect("finishing a Vec cannot fail");
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("compressing in memory cannot fail");
    (gzip, br)
}

/// Writes `name.gz` and `name.br` next to each of `names` in `dir`: the receiver (and any server
/// that looks for precompressed siblings) sends them instead of compressing per request.
pub fn write_compressed_copies<'a>(dir: &Path, names: impl IntoIterator<Item = &'a str>) -> anyhow::Result<()> {
    for name in names {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let (gzip, brotli) = compress(&bytes);
        for (extension, data) in [("gz", gzip), ("br", brotli)] {
            let target = dir.join(format!("{name}.{extension}"));
            std::fs::write(&target, data).with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    Ok(())
}
