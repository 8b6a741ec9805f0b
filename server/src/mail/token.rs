//! The tokens in confirm and withdraw links: 32 random bytes (256 bits, unguessable), written as
//! hex in the link. The database keeps only their SHA-256, so a copy of the database (a backup, a
//! leak) holds no working link.

use sha2::{Digest, Sha256};

/// A new token: (the text for the link, the hash to store).
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = crate::signing::hex(&bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token from a link. Anything that is not a token we made (wrong length,
/// not hex) still hashes, and then matches nothing.
pub fn hash(token: &str) -> String {
    crate::signing::hex(&Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash_a);
        assert_ne!(a, hash_a, "the stored form is not the token");
    }
}
