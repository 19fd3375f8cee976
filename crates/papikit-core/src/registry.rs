//! Province registry: the 63 provinces (GSO codes, names, six socio-economic regions) and the 34
//! provincial units of 1 July 2025 with the 63 -> 34 crosswalk. Lookup forgives diacritics, case,
//! spacing, common prefixes ("tỉnh", "TP") and the usual aliases.

use crate::csv::Table;
use crate::error::{PapiError, Result};
use crate::text::{fold, phonetic};
use std::collections::HashMap;
use std::sync::OnceLock;

const PROVINCES_CSV: &str = include_str!("../data/vn_provinces_63.csv");
const MERGER_CSV: &str = include_str!("../data/vn_merger_2025.csv");
const POPULATION_CSV: &str = include_str!("../data/vn_population_2022_gso.csv");
/// The population file's name (data/PROVENANCE.md) and its year.
const POPULATION_FILE: &str = "vn_population_2022_gso.csv";

/// One of the 63 provinces (2008-2025 boundaries).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Province {
    /// GSO code (1..96).
    pub code: u16,
    /// Name with Vietnamese diacritics, e.g. "Đắk Lắk".
    pub name_vi: String,
    /// ASCII name, e.g. "Dak Lak".
    pub name_en: String,
    /// Region number 1..6 (GSO socio-economic regions).
    pub region_id: u8,
    pub region_en: String,
    pub region_vi: String,
    /// Code of the 2025 unit this province belongs to.
    pub unit_2025: u16,
}

/// One of the 34 provincial units from 1 July 2025.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Unit2025 {
    pub code: u16,
    pub name_vi: String,
    pub name_en: String,
    /// GSO codes of the 63-era provinces merged into this unit.
    pub members: Vec<u16>,
    /// Region of the member whose code the unit kept (or of the first member).
    pub region_id: u8,
    pub region_en: String,
    pub region_vi: String,
}

/// The registry, built once from the embedded tables.
#[derive(Debug)]
pub struct Registry {
    pub provinces: Vec<Province>,
    pub units: Vec<Unit2025>,
    /// Population by (code, year) from the shipped table (GSO average population 2022 of all 63
    /// provinces, data/vn_population_2022_gso.csv).
    pub population: HashMap<(u16, u16), f64>,
    keys: HashMap<String, u16>,
    phonetic_keys: HashMap<String, Vec<u16>>,
    unit_keys: HashMap<String, u16>,
}

/// Aliases (folded) -> GSO code. Names, abbreviations and pre-merger spellings people type.
const ALIASES: &[(&str, u16)] = &[
    ("hn", 1),
    ("hanoi", 1),
    ("tphanoi", 1),
    ("hcm", 79),
    ("hcmc", 79),
    ("tphcm", 79),
    ("tphochiminh", 79),
    ("hochiminh", 79),
    ("hochiminhcity", 79),
    ("saigon", 79),
    ("hue", 46),
    ("tthue", 46),
    ("thuathienhue", 46),
    ("brvt", 77),
    ("bariavungtau", 77),
    ("vungtau", 77),
    ("danang", 48),
    ("haiphong", 31),
    ("cantho", 92),
    ("daklak", 66),
    ("daclac", 66),
    ("daknong", 67),
    ("dacnong", 67),
    ("kontum", 62),
];

/// Prefixes dropped before matching ("tỉnh", "thành phố", "TP", "province").
const PREFIXES: &[&str] = &["thanhpho", "tinh", "tp", "province", "provinceof", "city"];
const SUFFIXES: &[&str] = &["province", "city"];

fn strip_affixes(key: &str) -> String {
    let mut k = key.to_string();
    for p in PREFIXES {
        if let Some(rest) = k.strip_prefix(p)
            && rest.len() >= 3
        {
            k = rest.to_string();
            break;
        }
    }
    for s in SUFFIXES {
        if let Some(rest) = k.strip_suffix(s)
            && rest.len() >= 3
        {
            k = rest.to_string();
            break;
        }
    }
    k
}

fn parse_code(s: &str) -> Option<u16> {
    let t = s.trim();
    if !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit()) {
        t.parse().ok()
    } else {
        None
    }
}

/// A malformed cell of an embedded registry table.
fn bad(what: &str, v: &str) -> PapiError {
    PapiError::InvalidArgument {
        argument: "embedded registry".into(),
        message: format!("bad {what} {v:?}"),
    }
}

/// Step 1 of `Registry::build`: the 2025 units from the merger table, and old code -> new unit.
/// Units come in code order with sorted members; their regions are set in step 3.
fn units_2025() -> Result<(HashMap<u16, u16>, Vec<Unit2025>)> {
    let m = Table::parse("vn_merger_2025.csv", MERGER_CSV)?;
    let (m_new, m_vi, m_en, m_old) = (
        m.col("new_code")?,
        m.col("new_unit_vi")?,
        m.col("new_unit_ascii")?,
        m.col("old_gso_code")?,
    );
    let mut unit_of: HashMap<u16, u16> = HashMap::new();
    let mut units: Vec<Unit2025> = Vec::new();
    for r in &m.rows {
        let new = parse_code(&r[m_new]).ok_or_else(|| bad("new_code", &r[m_new]))?;
        let old = parse_code(&r[m_old]).ok_or_else(|| bad("old_gso_code", &r[m_old]))?;
        unit_of.insert(old, new);
        match units.iter_mut().find(|u| u.code == new) {
            Some(u) => u.members.push(old),
            None => units.push(Unit2025 {
                code: new,
                name_vi: r[m_vi].clone(),
                name_en: r[m_en].clone(),
                members: vec![old],
                region_id: 0,
                region_en: String::new(),
                region_vi: String::new(),
            }),
        }
    }
    units.sort_by_key(|u| u.code);
    for u in &mut units {
        u.members.sort_unstable();
    }
    Ok((unit_of, units))
}

/// Step 2 of `Registry::build`: the 63 provinces, each with its 2025 unit.
fn provinces_63(unit_of: &HashMap<u16, u16>) -> Result<Vec<Province>> {
    let t = Table::parse("vn_provinces_63.csv", PROVINCES_CSV)?;
    let (c_code, c_vi, c_en, c_rid, c_ren, c_rvi) = (
        t.col("gso_code")?,
        t.col("province_vi")?,
        t.col("province")?,
        t.col("region_id")?,
        t.col("region")?,
        t.col("region_vi")?,
    );
    let mut provinces = Vec::with_capacity(63);
    for r in &t.rows {
        let code = parse_code(&r[c_code]).ok_or_else(|| bad("gso_code", &r[c_code]))?;
        provinces.push(Province {
            code,
            name_vi: r[c_vi].clone(),
            name_en: r[c_en].clone(),
            region_id: r[c_rid].parse().map_err(|_| bad("region_id", &r[c_rid]))?,
            region_en: r[c_ren].clone(),
            region_vi: r[c_rvi].clone(),
            unit_2025: unit_of
                .get(&code)
                .copied()
                .ok_or_else(|| bad("crosswalk entry for", &r[c_code]))?,
        });
    }
    Ok(provinces)
}

/// Step 3 of `Registry::build`: a 2025 unit takes the region of its namesake province, else of
/// its first member.
fn assign_unit_regions(units: &mut [Unit2025], provinces: &[Province]) {
    for u in units {
        let anchor = if u.members.contains(&u.code) {
            u.code
        } else {
            u.members[0]
        };
        if let Some(p) = provinces.iter().find(|p| p.code == anchor) {
            u.region_id = p.region_id;
            u.region_en = p.region_en.clone();
            u.region_vi = p.region_vi.clone();
        }
    }
}

/// Step 4 of `Registry::build`: folded names and aliases -> code, and phonetic key -> codes.
fn province_keys(provinces: &[Province]) -> (HashMap<String, u16>, HashMap<String, Vec<u16>>) {
    let mut keys = HashMap::new();
    let mut phonetic_keys: HashMap<String, Vec<u16>> = HashMap::new();
    let mut add = |k: String, code: u16, keys: &mut HashMap<String, u16>| {
        let ph = phonetic(&k);
        let entry = phonetic_keys.entry(ph).or_default();
        if !entry.contains(&code) {
            entry.push(code);
        }
        keys.insert(k, code);
    };
    for p in provinces {
        add(fold(&p.name_vi), p.code, &mut keys);
        add(fold(&p.name_en), p.code, &mut keys);
    }
    for (a, c) in ALIASES {
        add((*a).to_string(), *c, &mut keys);
    }
    (keys, phonetic_keys)
}

/// Step 5 of `Registry::build`: folded 2025 unit names -> code.
fn unit_keys(units: &[Unit2025]) -> HashMap<String, u16> {
    let mut unit_keys = HashMap::new();
    for u in units {
        unit_keys.insert(fold(&u.name_vi), u.code);
        unit_keys.insert(fold(&u.name_en), u.code);
    }
    unit_keys
}

/// Step 6 of `Registry::build`: population by (code, year). Every row must parse (a bad cell is an
/// error naming its line and column) and every one of the 63 provinces must have a figure.
fn population(provinces: &[Province]) -> Result<HashMap<(u16, u16), f64>> {
    let pop = Table::parse(POPULATION_FILE, POPULATION_CSV)?;
    let (p_code, p_year, p_pop) = (
        pop.col("gso_code")?,
        pop.col("year")?,
        pop.col("population")?,
    );
    let bad = |line: usize, col: &str, v: &str| PapiError::InvalidArgument {
        argument: format!("data/{POPULATION_FILE} line {line}, column {col}"),
        message: format!("{v:?} is not a valid value"),
    };
    let mut population = HashMap::new();
    for (i, r) in pop.rows.iter().enumerate() {
        let line = i + 2;
        let c = parse_code(&r[p_code]).ok_or_else(|| bad(line, "gso_code", &r[p_code]))?;
        let y = r[p_year]
            .parse::<u16>()
            .map_err(|_| bad(line, "year", &r[p_year]))?;
        let v = r[p_pop]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| bad(line, "population", &r[p_pop]))?;
        population.insert((c, y), v);
    }
    let years: std::collections::BTreeSet<u16> = population.keys().map(|k| k.1).collect();
    for y in years {
        if let Some(p) = provinces
            .iter()
            .find(|p| !population.contains_key(&(p.code, y)))
        {
            return Err(PapiError::InvalidArgument {
                argument: format!("data/{POPULATION_FILE}"),
                message: format!("no {y} population for {} ({})", p.name_vi, p.code),
            });
        }
    }
    Ok(population)
}

impl Registry {
    fn build() -> Result<Registry> {
        let (unit_of, mut units) = units_2025()?;
        let provinces = provinces_63(&unit_of)?;
        assign_unit_regions(&mut units, &provinces);
        let (keys, phonetic_keys) = province_keys(&provinces);
        let unit_keys = unit_keys(&units);
        let population = population(&provinces)?;
        Ok(Registry {
            provinces,
            units,
            population,
            keys,
            phonetic_keys,
            unit_keys,
        })
    }

    /// Province by GSO code.
    pub fn by_code(&self, code: u16) -> Option<&Province> {
        self.provinces.iter().find(|p| p.code == code)
    }

    /// 2025 unit by code.
    pub fn unit_by_code(&self, code: u16) -> Option<&Unit2025> {
        self.units.iter().find(|u| u.code == code)
    }

    /// Resolve a name, alias or GSO code ("Đắk Lắk", "Dak Lak", "daklak", "Đắc Lắc", "66") to a province.
    pub fn lookup(&self, query: &str) -> Result<&Province> {
        if let Some(code) = parse_code(query) {
            return self.by_code(code).ok_or_else(|| self.unknown(query));
        }
        let k = fold(query);
        let found = self
            .keys
            .get(&k)
            .or_else(|| self.keys.get(&strip_affixes(&k)))
            .copied()
            .or_else(|| {
                for key in [phonetic(&k), phonetic(&strip_affixes(&k))] {
                    if let Some(v) = self.phonetic_keys.get(&key)
                        && v.len() == 1
                    {
                        return Some(v[0]);
                    }
                }
                None
            });
        found
            .and_then(|c| self.by_code(c))
            .ok_or_else(|| self.unknown(query))
    }

    /// Resolve a 2025 unit by name or code (unit names are province names, so province aliases work:
    /// a pre-merger province resolves to the unit it joined).
    pub fn lookup_unit(&self, query: &str) -> Result<&Unit2025> {
        if let Some(code) = parse_code(query) {
            if let Some(u) = self.unit_by_code(code) {
                return Ok(u);
            }
            if let Some(p) = self.by_code(code) {
                return self
                    .unit_by_code(p.unit_2025)
                    .ok_or_else(|| self.unknown(query));
            }
            return Err(self.unknown(query));
        }
        let k = fold(query);
        if let Some(c) = self
            .unit_keys
            .get(&k)
            .or_else(|| self.unit_keys.get(&strip_affixes(&k)))
        {
            return self.unit_by_code(*c).ok_or_else(|| self.unknown(query));
        }
        let p = self.lookup(query)?;
        self.unit_by_code(p.unit_2025)
            .ok_or_else(|| self.unknown(query))
    }

    /// Up to three closest province names for an unknown query (Jaro-Winkler on folded names).
    pub fn suggestions(&self, query: &str) -> Vec<String> {
        let k = fold(query);
        let mut scored: Vec<(f64, &str)> = self
            .provinces
            .iter()
            .map(|p| {
                (
                    strsim::jaro_winkler(&k, &fold(&p.name_vi)),
                    p.name_vi.as_str(),
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
            .into_iter()
            .take(3)
            .map(|(_, n)| n.to_string())
            .collect()
    }

    fn unknown(&self, query: &str) -> PapiError {
        PapiError::UnknownProvince {
            query: query.to_string(),
            suggestions: self.suggestions(query),
        }
    }
}

static REGISTRY: OnceLock<std::result::Result<Registry, PapiError>> = OnceLock::new();

/// The shared registry (parsed once from embedded data).
pub fn registry() -> Result<&'static Registry> {
    REGISTRY
        .get_or_init(Registry::build)
        .as_ref()
        .map_err(Clone::clone)
}

/// Vietnamese name of a province code for messages and tables (the code itself if unknown).
pub fn name_vi(code: u16) -> String {
    name(code, |p| &p.name_vi)
}

/// ASCII/English name of a province code (the code itself if unknown).
pub fn name_en(code: u16) -> String {
    name(code, |p| &p.name_en)
}

fn name(code: u16, pick: fn(&Province) -> &String) -> String {
    registry()
        .ok()
        .and_then(|r| r.by_code(code))
        .map(|p| pick(p).clone())
        .unwrap_or_else(|| code.to_string())
}

/// Shortcut for `registry()?.lookup(query)`.
pub fn province(query: &str) -> Result<&'static Province> {
    registry()?.lookup(query)
}

/// Year of the provincial merger: from 1 July of this year Viet Nam has 34 provincial units.
pub const MERGER_YEAR: u16 = 2025;

/// An era of the province map: the 63 provinces or the 34 units of [`MERGER_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Provinces63,
    Units34,
}

impl Era {
    /// Parse 63 or 34 (the number of units), or a year: before [`MERGER_YEAR`] the 63 provinces,
    /// from it the 34 units.
    pub fn parse(era: i64) -> Result<Era> {
        match era {
            63 => Ok(Era::Provinces63),
            34 => Ok(Era::Units34),
            y if (2008..i64::from(MERGER_YEAR)).contains(&y) => Ok(Era::Provinces63),
            y if y == i64::from(MERGER_YEAR) => Ok(Era::Units34),
            _ => Err(PapiError::InvalidArgument {
                argument: "era".into(),
                message: format!(
                    "{era}; use 63 (provinces) or 34 (units of {MERGER_YEAR}), or a year ({} or {MERGER_YEAR})",
                    MERGER_YEAR - 1
                ),
            }),
        }
    }

    /// Number of units: 63 or 34.
    pub fn units(self) -> u16 {
        match self {
            Era::Provinces63 => 63,
            Era::Units34 => 34,
        }
    }
}

/// The six socio-economic regions: (id, English name, Vietnamese name), by id.
pub fn regions() -> Result<Vec<(u8, String, String)>> {
    let mut out: Vec<(u8, String, String)> = Vec::new();
    for p in &registry()?.provinces {
        if !out.iter().any(|r| r.0 == p.region_id) {
            out.push((p.region_id, p.region_en.clone(), p.region_vi.clone()));
        }
    }
    out.sort_by_key(|r| r.0);
    Ok(out)
}

/// Region id of a region given by id ("1".."6"), English or Vietnamese name (case-insensitive).
pub fn region_id(query: &str) -> Result<u8> {
    let rs = regions()?;
    let q = query.to_lowercase();
    rs.iter()
        .find(|r| r.0.to_string() == query || r.1.to_lowercase() == q || r.2.to_lowercase() == q)
        .map(|r| r.0)
        .ok_or_else(|| {
            let mut known: Vec<&str> = rs.iter().map(|r| r.1.as_str()).collect();
            known.sort_unstable();
            PapiError::UnknownCode {
                kind: "region".into(),
                code: query.into(),
                known: format!("{} (or 1-{})", known.join(", "), rs.len()),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_eras() {
        let rs = regions().unwrap();
        assert_eq!(rs.len(), 6);
        let cen = rs.iter().find(|r| r.1 == "Central Highlands").unwrap();
        assert_eq!(region_id("Tây Nguyên").unwrap(), cen.0);
        assert_eq!(region_id("central highlands").unwrap(), cen.0);
        assert_eq!(region_id(&cen.0.to_string()).unwrap(), cen.0);
        assert!(
            region_id("Atlantis")
                .unwrap_err()
                .to_string()
                .contains("Atlantis")
        );
        assert_eq!(Era::parse(63).unwrap(), Era::Provinces63);
        assert_eq!(Era::parse(i64::from(MERGER_YEAR)).unwrap().units(), 34);
        assert_eq!(Era::parse(i64::from(MERGER_YEAR) - 1).unwrap().units(), 63);
        assert!(Era::parse(12).is_err());
    }

    #[test]
    fn has_63_provinces_and_34_units() {
        let r = registry().unwrap();
        assert_eq!(r.provinces.len(), 63);
        assert_eq!(r.units.len(), 34);
        let members: usize = r.units.iter().map(|u| u.members.len()).sum();
        assert_eq!(members, 63);
        assert!(r.units.iter().all(|u| u.region_id >= 1));
    }

    #[test]
    fn aliases_resolve() {
        for q in [
            "Đắk Lắk",
            "Dak Lak",
            "daklak",
            "DAK LAK",
            "Đắc Lắc",
            "66",
            "066",
            "Tỉnh Đắk Lắk",
        ] {
            assert_eq!(province(q).unwrap().code, 66, "{q}");
        }
        for q in [
            "TP HCM",
            "HCMC",
            "Ho Chi Minh City",
            "TP. Hồ Chí Minh",
            "Thành phố Hồ Chí Minh",
        ] {
            assert_eq!(province(q).unwrap().code, 79, "{q}");
        }
        for q in ["Huế", "Thừa Thiên Huế", "TT Huế"] {
            assert_eq!(province(q).unwrap().code, 46, "{q}");
        }
        for q in ["BR-VT", "Bà Rịa - Vũng Tàu", "Ba Ria Vung Tau"] {
            assert_eq!(province(q).unwrap().code, 77, "{q}");
        }
    }

    #[test]
    fn unknown_suggests() {
        let e = province("Dak Lek").unwrap_err();
        let PapiError::UnknownProvince { suggestions, .. } = e else {
            panic!()
        };
        assert!(
            suggestions.iter().any(|s| s == "Đắk Lắk"),
            "{suggestions:?}"
        );
        assert!(province("999").is_err());
        assert!(province("").is_err());
    }

    #[test]
    fn merged_units() {
        let r = registry().unwrap();
        let u = r.lookup_unit("Phú Yên").unwrap();
        assert_eq!(u.code, 66);
        assert_eq!(u.members, vec![54, 66]);
    }
}
