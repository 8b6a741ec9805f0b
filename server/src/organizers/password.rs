//! Passwords: argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane, OWASP's minimum
//! for argon2id) in PHC string format, with a random 16-byte salt.
//!
//! A sign-in for an unknown address still verifies against a fixed hash ([`verify_or_waste`]), so
//! the time of the answer does not tell whether an account exists.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use std::sync::LazyLock;

/// The PHC string of `password` (`$argon2id$v=19$…`).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))?
        .to_string())
}

/// Whether `password` matches `stored` (a PHC string); false for a malformed string.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash nobody knows the password of, made once per process.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hash(&super::secret::hex(&bytes)).unwrap_or_default()
});

/// Verifies against `stored`, or spends the same time on a decoy when there is no hash, and says no.
pub fn verify_or_waste(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => verify(password, stored),
        None => {
            let _ = verify(password, &DECOY);
            false
        }
    }
}

/// What is wrong with a new password, if anything (length only: NIST SP 800-63B advises against
/// composition rules).
pub fn problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < super::MIN_PASSWORD_CHARS {
        return Some(format!("Choose a password of at least {} characters.", super::MIN_PASSWORD_CHARS));
    }
    (chars > 256).then(|| "Choose a password of at most 256 characters.".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("x", "not a hash"));
        assert!(!verify_or_waste("anything", None));
        assert!(problem("short").is_some() && problem("long enough password").is_none());
    }
}
