//! Countries, as ISO 3166-1 alpha-2 codes: the widget offers them in a list (named in the
//! visitor's language by the browser's `Intl.DisplayNames`, so no names ship in the wasm) and the
//! receiver accepts only these.

/// Every officially assigned ISO 3166-1 alpha-2 code (249), in alphabetical order, two letters
/// each: one string rather than an array of strings, which would add a pointer and a length per
/// code to the wasm (wasm weight, README "History of the widget's weight").
static CODES: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCN\
    COCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHM\
    HNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMK\
    MLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURW\
    SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVI\
    VNVUWFWSYEYTZAZMZW";

/// Every officially assigned ISO 3166-1 alpha-2 code (249), in alphabetical order.
pub fn country_codes() -> impl Iterator<Item = &'static str> {
    (0..CODES.len()).step_by(2).map(|i| &CODES[i..i + 2])
}

/// The canonical (upper-case) code for `input` (`"mx"` → `"MX"`), or None when it names no country.
pub fn country_code(input: &str) -> Option<&'static str> {
    let upper = input.to_ascii_uppercase();
    country_codes().find(|code| *code == upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_two_letters() {
        let codes: Vec<&str> = country_codes().collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(codes.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert_eq!(country_code("mx"), Some("MX"));
        assert_eq!(country_code("XX"), None);
        assert_eq!(country_code("M"), None);
    }
}
