//! Loaded years: the three layouts round-trip the embedded 2023 results; bad files give located
//! problems. Every test loads its own year (the store is process-wide and tests run in parallel).

use super::*;
use crate::published::{DIMENSION_COLUMNS, year_rows};

fn s(v: impl ToString) -> Option<String> {
    Some(v.to_string())
}

fn opts(year: i64) -> LoadOptions {
    LoadOptions {
        year,
        units: None,
        replace: false,
        framework: None,
        source: "test".into(),
    }
}

/// The embedded 2023 results as a wide table (code, d1..d8, total).
fn wide_2023() -> Grid {
    let mut cells = vec![
        std::iter::once(s("province_code"))
            .chain(DIMENSION_COLUMNS.iter().map(s))
            .chain([s("total")])
            .collect::<Vec<_>>(),
    ];
    for r in year_rows(2023).unwrap() {
        let mut row = vec![s(r.code)];
        row.extend(r.dims.iter().map(|d| d.map(|v| v.to_string())));
        row.push(r.total.map(|v| v.to_string()));
        cells.push(row);
    }
    Grid { sheet: None, cells }
}

/// The embedded 2023 results in the official workbook layout (transposed, labels, Mã tỉnh row).
fn workbook_2023(sheet: &str, with_matinh: bool) -> Grid {
    let rows = year_rows(2023).unwrap();
    let mut cells = vec![vec![s("Chỉ tiêu/Indicator"), s("Thang điểm/Scale")]];
    cells[0].extend(rows.iter().map(|r| s(crate::registry::name_vi(r.code))));
    if with_matinh {
        let mut m = vec![s("Mã tỉnh"), None];
        m.extend(rows.iter().map(|r| s(format!("{:02}", r.code))));
        cells.push(m);
    }
    let mut total = vec![
        s("Tổng điểm PAPI 2023 (không trọng số)/PAPI 2023 total (unweighted)"),
        s("8-80"),
    ];
    total.extend(rows.iter().map(|r| r.total.map(|v| v.to_string())));
    cells.push(total);
    let mut se = vec![s("Unweighted Standard Error"), None];
    se.extend(rows.iter().map(|r| r.total.map(|_| "0.15".to_string())));
    cells.push(se);
    for k in 0..8 {
        let mut d = vec![s(format!("Dimension {}: x", k + 1)), s("1-10")];
        d.extend(rows.iter().map(|r| r.dims[k].map(|v| v.to_string())));
        cells.push(d);
    }
    let mut ind = vec![s("% biết Pháp lệnh THDCCS"), s("0-100%")];
    ind.extend(rows.iter().map(|r| r.total.map(|_| "12.5".to_string())));
    cells.push(ind);
    let mut ind2 = vec![s("12.5 Tỷ lệ (a numbered indicator label)"), s("0-100%")];
    ind2.extend(rows.iter().map(|_| s("3")));
    cells.push(ind2);
    Grid {
        sheet: Some(sheet.into()),
        cells,
    }
}

#[test]
fn wide_round_trip_gives_identical_ranks() {
    let l = load(&wide_2023(), opts(2041)).unwrap();
    assert_eq!(l.layout, Layout::Wide);
    assert_eq!(l.era, Era::Provinces63);
    let a = year_rows(2023).unwrap();
    let b = year_rows(2041).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (x.code, x.total, x.rank, x.n_ranked),
            (y.code, y.total, y.rank, y.n_ranked)
        );
        assert_eq!(x.group(), y.group());
        assert_eq!(x.status, y.status);
    }
    let t = ScoreTable::from_published(2041).unwrap();
    assert_eq!(
        t.values,
        ScoreTable::from_published_dimensions(2023).unwrap().values
    );
    assert!(l.framework_note.starts_with("latest"));
}

#[test]
fn workbook_reads_labels_se_and_indicators() {
    let l = load(&workbook_2023("2042_VIE_ENG", true), opts(2042)).unwrap();
    assert_eq!(l.layout, Layout::Workbook);
    let t = &l.table;
    assert_eq!(
        t.values,
        ScoreTable::from_published_dimensions(2023).unwrap().values
    );
    let se = t.se.as_ref().unwrap();
    let dl = t.province_index(66).unwrap();
    assert_eq!(se[0][dl], Some(0.15));
    assert_eq!(l.indicators.len(), 2);
    assert_eq!(l.indicators[0].scale.as_deref(), Some("0-100%"));
    assert_eq!(l.indicators[0].values[dl], Some(12.5));
}

#[test]
fn missing_matinh_is_located() {
    let e = load(&workbook_2023("2043_VIE_ENG", false), opts(2043)).unwrap_err();
    let p = e.problems();
    assert_eq!(p[0].kind, "missing_row");
    assert_eq!(p[0].loc, "sheet 2043_VIE_ENG");
    assert!(get(2043).is_none());
}

#[test]
fn bad_cells_are_all_reported_with_locations() {
    let mut g = wide_2023();
    // row 1 = Hà Nội (code 1): d4 off by one -> total no longer the sum.
    let d4 = 4;
    let v: f64 = g.cells[1][d4].as_ref().unwrap().parse().unwrap();
    g.cells[1][d4] = s(v + 1.0);
    g.cells[2][0] = s("Atlantis");
    g.cells[3][0] = s("1");
    g.cells[5][2] = s("11.5");
    let e = load(&g, opts(2044)).unwrap_err();
    let kinds: Vec<(&str, String)> = e
        .problems()
        .iter()
        .map(|p| (p.kind, p.loc.clone()))
        .collect();
    assert!(
        kinds.contains(&("dimensions_do_not_sum", "row 1, column total".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("unknown_province", "row 2, column province_code".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("duplicate_province", "row 3, column province_code".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("out_of_range", "row 5, column d2".into())),
        "{kinds:?}"
    );
    assert!(matches!(e, PapiError::InvalidPublished { .. }));
}

#[test]
fn embedded_year_needs_replace_and_empty_is_an_error() {
    let e = load(&wide_2023(), opts(2023)).unwrap_err();
    assert_eq!(e.problems()[0].kind, "year_present");
    let e = load(
        &Grid {
            sheet: Some("2045_VIE_ENG".into()),
            cells: vec![vec![None, s("  ")]],
        },
        opts(2045),
    )
    .unwrap_err();
    assert_eq!(e.problems()[0].kind, "empty");
    assert_eq!(e.problems()[0].loc, "sheet 2045_VIE_ENG");
}

#[test]
fn tidy_and_34_units_are_detected() {
    // The 34 units from the 2024 results merged with population weights, as a tidy table.
    let units = crate::registry::registry().unwrap();
    let mut cells = vec![vec![s("province"), s("measure"), s("score"), s("se")]];
    let rows = year_rows(2024).unwrap();
    for u in &units.units {
        // A unit's scores: its first scored member's (a valid table; the merge is tested elsewhere).
        let Some(r) = rows
            .iter()
            .find(|r| u.members.contains(&r.code) && r.total.is_some())
        else {
            continue;
        };
        cells.push(vec![s(&u.name_vi), s("total"), s(r.total.unwrap()), s(0.2)]);
        for (k, d) in r.dims.iter().enumerate() {
            cells.push(vec![
                s(&u.name_vi),
                s(format!("d{}", k + 1)),
                s(d.unwrap()),
                None,
            ]);
        }
    }
    let l = load(&Grid { sheet: None, cells }, opts(2046)).unwrap();
    assert_eq!((l.layout, l.era), (Layout::Tidy, Era::Units34));
    assert_eq!(l.rows.len(), 34);
    assert_eq!(l.rows[0].n_ranked, 34);
    assert!(l.rows.iter().all(|r| r.group().is_some()));
    assert_eq!(crate::rank::group_sizes(34), [9, 9, 8, 8]);
}

/// A table whose key column has an unknown name: with province values it still loads (the first
/// column is read as the key); with other values the problems name `province_code` and its aliases.
#[test]
fn missing_key_column_names_province_code_and_its_aliases() {
    let mut g = wide_2023();
    g.cells[0][0] = s("gso");
    assert!(load(&g, opts(2047)).is_ok());
    let mut g = wide_2023();
    g.cells[0][0] = s("row_id");
    for (i, row) in g.cells.iter_mut().enumerate().skip(1) {
        row[0] = s(format!("r{i}"));
    }
    let e = load(&g, opts(2048)).unwrap_err();
    let p = e
        .problems()
        .into_iter()
        .find(|p| p.kind == "missing_column")
        .unwrap();
    assert_eq!(p.loc, "column row_id");
    assert!(
        p.message.contains("\"province_code\"") && p.message.contains("\"code\", \"province\""),
        "{}",
        p.message
    );
}
