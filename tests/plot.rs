//! Kaplan-Meier figures (feature `plot`): the SVG parses, its geometry inverts
//! to the fit, the risk table is R's, the output is deterministic, and no
//! data or option makes text overlap or the drawing panic.
//!
//! Reference: `tests/data/plot.txt`, written by `tests/data/generate_plot.R`.
mod common;

use proptest::prelude::*;
use survkit::ErrorDetail;
use survkit::{
    datasets::lung, log_rank, text_width_em, CiTransform, KaplanMeier, KaplanMeierFigure,
    KaplanMeierPlot, LegendPosition, Palette, RiskTableStyle, SurvivalCurve, SurvivalData, YFormat,
    YScale, ASCENT_EM, DESCENT_EM,
};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// The bound on the round trip of every vertex through the axis map.
const GEOMETRY_TOL: f64 = 1e-9;

fn lung_by_sex() -> SurvivalData {
    let sex: Vec<&str> = lung::SEX
        .iter()
        .map(|&s| if s == 1 { "Male" } else { "Female" })
        .collect();
    SurvivalData::builder(&lung::TIME[..], lung::event())
        .group_levels(&sex, &["Male", "Female"])
        .build()
        .expect("lung is valid")
}

/// Parses the document and checks it is an SVG 1.1 document as survkit
/// writes it: the SVG namespace on every element, known elements only,
/// sizes in millimetres matching the view box, path data of absolute and
/// relative M/H/V/Z/l commands with numbers, and every `url(#id)` defined.
fn check_svg(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
    let w = root.attribute("width").expect("width");
    let h = root.attribute("height").expect("height");
    let vb: Vec<f64> = root
        .attribute("viewBox")
        .expect("viewBox")
        .split(' ')
        .map(|v| v.parse().expect("number"))
        .collect();
    assert_eq!(vb.len(), 4);
    assert_eq!(w.strip_suffix("mm").map(str::parse::<f64>), Some(Ok(vb[2])));
    assert_eq!(h.strip_suffix("mm").map(str::parse::<f64>), Some(Ok(vb[3])));
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    for n in doc.descendants().filter(|n| n.is_element()) {
        assert_eq!(n.tag_name().namespace(), Some(SVG_NS));
        assert!(
            ["svg", "title", "defs", "clipPath", "rect", "g", "path", "line", "text"]
                .contains(&n.tag_name().name()),
            "unexpected element {:?}",
            n.tag_name()
        );
        if let Some(d) = n.attribute("d") {
            path_commands(d);
        }
        for a in n.attributes() {
            if let Some(rest) = a.value().strip_prefix("url(#") {
                let id = rest.strip_suffix(')').expect("url(#id)");
                assert!(ids.contains(&id), "undefined reference {id}");
            }
            if a.name() != "d" && a.name() != "transform" {
                assert!(!a.value().contains("NaN") && !a.value().contains("inf"));
            }
        }
    }
    doc
}

/// Path data as (command, numbers); panics on anything else.
fn path_commands(d: &str) -> Vec<(char, Vec<f64>)> {
    let mut out: Vec<(char, Vec<f64>)> = Vec::new();
    let mut number = String::new();
    let flush = |number: &mut String, out: &mut Vec<(char, Vec<f64>)>| {
        if !number.is_empty() {
            let v: f64 = number.parse().expect("a number in path data");
            assert!(v.is_finite());
            out.last_mut().expect("a command first").1.push(v);
            number.clear();
        }
    };
    for c in d.chars() {
        match c {
            'M' | 'H' | 'V' | 'Z' | 'm' | 'h' | 'v' | 'l' => {
                flush(&mut number, &mut out);
                out.push((c, Vec::new()));
            }
            ' ' => flush(&mut number, &mut out),
            '-' if !number.is_empty() => {
                flush(&mut number, &mut out);
                number.push(c);
            }
            '0'..='9' | '.' | '-' | 'e' => number.push(c),
            _ => panic!("unexpected {c:?} in path data {d:?}"),
        }
    }
    flush(&mut number, &mut out);
    for (c, v) in &out {
        let arity = match c {
            'M' | 'm' | 'l' => 2,
            'H' | 'V' | 'h' | 'v' => 1,
            _ => 0,
        };
        assert_eq!(v.len(), arity, "{c} takes {arity} numbers in {d:?}");
    }
    out
}

/// The absolute vertices of path data (M, H, V, Z only).
fn vertices(d: &str) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    let (mut x, mut y) = (f64::NAN, f64::NAN);
    for (c, v) in path_commands(d) {
        match c {
            'M' => (x, y) = (v[0], v[1]),
            'H' => x = v[0],
            'V' => y = v[0],
            'Z' => continue,
            _ => panic!("relative command {c} in a curve or band"),
        }
        pts.push((x, y));
    }
    pts
}

/// The linear map from local coordinates to data read off the first and last
/// tick marks of an axis: `value = a + b × coordinate`.
fn axis_map(doc: &roxmltree::Document<'_>, class: &str, coord: &str) -> (f64, f64) {
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .map(|n| {
            (
                n.attribute(coord).unwrap().parse().unwrap(),
                n.attribute("data-value").unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(ticks.len() >= 2, "{class}: at least two ticks");
    let ((c0, v0), (c1, v1)) = (ticks[0], ticks[ticks.len() - 1]);
    let b = (v1 - v0) / (c1 - c0);
    (v0 - b * c0, b)
}

fn paths<'a>(doc: &'a roxmltree::Document<'a>, class: &str, curve: usize) -> Vec<&'a str> {
    let id = curve.to_string();
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class) && n.attribute("data-curve") == Some(&id))
        .map(|n| n.attribute("d").unwrap())
        .collect()
}

/// A text's box on the page: (x0, x1, y0, y1) by the font metrics.
fn text_boxes(doc: &roxmltree::Document<'_>) -> Vec<(String, [f64; 4])> {
    let fs: f64 = doc
        .root_element()
        .attribute("font-size")
        .unwrap()
        .parse()
        .unwrap();
    let (asc, desc) = (ASCENT_EM * fs, DESCENT_EM * fs);
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| {
            let body = n.text().unwrap_or("").to_owned();
            let w = text_width_em(&body) * fs;
            let shift = match n.attribute("text-anchor") {
                Some("middle") => -w / 2.0,
                Some("end") => -w,
                _ => 0.0,
            };
            let b = if let Some(t) = n.attribute("transform") {
                // translate(x y) rotate(-90): the text runs upwards from (x, y).
                let inner = t
                    .strip_prefix("translate(")
                    .and_then(|r| r.strip_suffix(") rotate(-90)"))
                    .expect("translate + rotate");
                let v: Vec<f64> = inner.split(' ').map(|s| s.parse().unwrap()).collect();
                [v[0] - asc, v[0] + desc, v[1] + shift, v[1] + shift + w]
            } else {
                let x: f64 = n.attribute("x").unwrap().parse().unwrap();
                let y: f64 = n.attribute("y").unwrap().parse().unwrap();
                [x + shift, x + shift + w, y - asc, y + desc]
            };
            (body, b)
        })
        .collect()
}

/// No two texts overlap, and all lie on the page.
fn check_text_layout(doc: &roxmltree::Document<'_>) {
    let root = doc.root_element();
    let w: f64 = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    let h: f64 = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .nth(3)
        .unwrap()
        .parse()
        .unwrap();
    let boxes = text_boxes(doc);
    let eps = 1e-9;
    for (i, (ti, a)) in boxes.iter().enumerate() {
        assert!(
            a[0] >= -eps && a[1] <= w + eps && a[2] >= -eps && a[3] <= h + eps,
            "{ti:?} {a:?} leaves the {w} x {h} page"
        );
        for (tj, b) in &boxes[i + 1..] {
            let overlap =
                a[0] < b[1] - eps && b[0] < a[1] - eps && a[2] < b[3] - eps && b[2] < a[3] - eps;
            assert!(!overlap, "texts overlap: {ti:?} {a:?} and {tj:?} {b:?}");
        }
    }
}

fn check_figure(figure: &KaplanMeierFigure) {
    let doc = check_svg(figure.svg());
    check_text_layout(&doc);
    #[cfg(feature = "png")]
    {
        // resvg's parser (usvg) reads the document as SVG and renders it.
        let png = figure.png(50.0).expect("renders");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}

/// Every step of every curve and every band vertex, read back through the
/// axis maps, is the fit's value within 1e-9 (relative).
fn check_round_trip(figure: &KaplanMeierFigure, curves: &[SurvivalCurve], scale: YScale) -> f64 {
    let doc = check_svg(figure.svg());
    let (ax, bx) = axis_map(&doc, "x-tick", "x1");
    let (ay, by) = axis_map(&doc, "y-tick", "y1");
    let y_top = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("y-tick"))
        .map(|n| n.attribute("data-value").unwrap().parse::<f64>().unwrap())
        .fold(f64::NEG_INFINITY, f64::max);
    let f = |s: f64| match scale {
        YScale::Survival => s,
        YScale::CumulativeIncidence => 1.0 - s,
        YScale::CumulativeHazard => -s.ln(),
    };
    let max_err = std::cell::Cell::new(0.0_f64);
    let close = |got: f64, want: f64, what: &str| {
        let err = common::rel_err(got, want);
        if want != 0.0 {
            max_err.set(max_err.get().max(err));
        }
        assert!(
            err <= GEOMETRY_TOL || (want == 0.0 && got.abs() < 1e-12),
            "{what}: got {got}, want {want}"
        );
    };
    for (i, c) in curves.iter().enumerate() {
        let d = paths(&doc, "curve", i);
        assert_eq!(d.len(), 1);
        let pts = vertices(d[0]);
        // Expected: (0, f(1)), then (t, f(previous S)) and (t, f(S)) at each drop.
        let mut want = vec![(0.0, f(1.0))];
        let mut prev = 1.0;
        for (&t, &s) in c.time().iter().zip(c.survival()) {
            if s != prev {
                want.push((t, f(prev)));
                want.push((t, f(s)));
                prev = s;
            }
        }
        if want.last().map(|p| p.0) != Some(c.last_time()) {
            want.push((c.last_time(), f(prev)));
        }
        assert_eq!(pts.len(), want.len(), "curve {i}: vertices");
        for (k, (&(x, y), &(t, v))) in pts.iter().zip(&want).enumerate() {
            close(ax + bx * x, t, &format!("curve {i} vertex {k} time"));
            close(ay + by * y, v, &format!("curve {i} vertex {k} value"));
        }
        // Bands: every vertex is at a row time and on a bound of that row or
        // of the row before.
        let (lo, hi) = (c.lower(), c.upper());
        for d in paths(&doc, "band", i) {
            for (x, y) in vertices(d) {
                let t = ax + bx * x;
                let j = c
                    .time()
                    .iter()
                    .position(|&r| common::rel_err(t, r) <= GEOMETRY_TOL)
                    .unwrap_or_else(|| panic!("band vertex at {t} is not a row time"));
                let v = ay + by * y;
                let on_bound = [j.saturating_sub(1), j].iter().any(|&r| {
                    [lo[r], hi[r]].iter().any(|&b| {
                        common::rel_err(v, f(b)) <= GEOMETRY_TOL
                                // an infinite value (−log 0) is drawn above the axis
                                || (f(b) == f64::INFINITY && v > y_top)
                    })
                });
                assert!(
                    on_bound,
                    "band vertex ({t}, {v}) is on no bound of rows {j}-1..{j}"
                );
            }
        }
    }
    max_err.get()
}

#[test]
fn lung_by_sex_round_trips_on_every_scale() {
    let data = lung_by_sex();
    let mut max_err = 0.0_f64;
    for transform in [CiTransform::Log, CiTransform::LogLog, CiTransform::Plain] {
        let fit = KaplanMeier::new().transform(transform).fit(&data).unwrap();
        for scale in [
            YScale::Survival,
            YScale::CumulativeIncidence,
            YScale::CumulativeHazard,
        ] {
            for unit in [1.0, 30.4375] {
                let figure = KaplanMeierPlot::new()
                    .time_unit("u", unit)
                    .y_scale(scale)
                    .confidence_bands(true)
                    .draw(&fit, None)
                    .unwrap();
                max_err = max_err.max(check_round_trip(&figure, fit.curves(), scale));
                check_figure(&figure);
            }
        }
    }
    // A truncated axis keeps the same map (values below it are clipped).
    let fit = KaplanMeier::new().fit(&data).unwrap();
    let figure = KaplanMeierPlot::new()
        .y_range(0.4, 1.0)
        .y_format(YFormat::Percent)
        .confidence_bands(true)
        .draw(&fit, None)
        .unwrap();
    assert!(figure.svg().contains("axis-break"));
    max_err = max_err.max(check_round_trip(&figure, fit.curves(), YScale::Survival));
    eprintln!("largest relative error of a curve vertex through the axis map: {max_err:e}");
}

#[test]
fn risk_table_is_r_summary_at_the_ticks() {
    let cases = common::parse(include_str!("data/plot.txt"));
    let data = lung_by_sex();
    let fit = KaplanMeier::new().fit(&data).unwrap();
    let figure = KaplanMeierPlot::new()
        .x_max(1000.0)
        .x_step(200.0)
        .risk_table(RiskTableStyle::KMunicate)
        .draw(&fit, None)
        .unwrap();
    let table = figure.risk_table();
    assert_eq!(table.times(), [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
    for (g, name) in ["risk_table/lung_sex1", "risk_table/lung_sex2"]
        .iter()
        .enumerate()
    {
        let case = cases.iter().find(|c| c.name == *name).unwrap();
        let rows = table.group_rows(g);
        assert_eq!(
            rows.iter().map(|r| r.time()).collect::<Vec<_>>(),
            case.nums("times")
        );
        assert_eq!(
            rows.iter().map(|r| r.n_risk()).collect::<Vec<_>>(),
            case.nums("n_risk"),
            "{}",
            case.source
        );
        let cum = |v: Vec<f64>| {
            v.iter()
                .scan(0.0, |s, x| {
                    *s += x;
                    Some(*s)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rows.iter().map(|r| r.events()).collect::<Vec<_>>(),
            cum(case.nums("n_event"))
        );
        assert_eq!(
            rows.iter().map(|r| r.censored()).collect::<Vec<_>>(),
            cum(case.nums("n_censor"))
        );
    }
    // R's default (extend = FALSE) agrees where it reports.
    let short = cases
        .iter()
        .find(|c| c.name == "risk_table/lung_sex2_no_extend")
        .unwrap();
    let n: Vec<f64> = table.group_rows(1).iter().map(|r| r.n_risk()).collect();
    assert_eq!(n[..short.nums("n_risk").len()], short.nums("n_risk")[..]);

    // In the SVG each count sits under its tick: same x as the tick mark.
    let doc = check_svg(figure.svg());
    check_text_layout(&doc);
    let plot = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("plot"))
        .unwrap();
    let left: f64 = plot
        .attribute("transform")
        .unwrap()
        .strip_prefix("translate(")
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let tick_x = |t: f64| -> f64 {
        let n = doc
            .descendants()
            .find(|n| {
                n.attribute("class") == Some("x-tick")
                    && n.attribute("data-value").map(|v| v.parse::<f64>().unwrap()) == Some(t)
            })
            .unwrap();
        n.attribute("x1").unwrap().parse().unwrap()
    };
    let counts: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("risk-count"))
        .collect();
    assert_eq!(counts.len(), 2 * 3 * 6);
    for n in &counts {
        let t: f64 = n.attribute("data-time").unwrap().parse().unwrap();
        let x: f64 = n.attribute("x").unwrap().parse().unwrap();
        assert!(
            (x - (left + tick_x(t))).abs() <= 1e-12 * x,
            "count at {t} is off its tick"
        );
    }
    let male_at_risk: Vec<&str> = counts
        .iter()
        .filter(|n| n.attribute("data-curve") == Some("0"))
        .take(6)
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(male_at_risk, ["138", "78", "31", "13", "6", "2"]);
}

#[test]
fn output_is_deterministic_and_matches_the_committed_figure() {
    let data = lung_by_sex();
    let draw = || {
        let fit = KaplanMeier::new().fit(&data).unwrap();
        KaplanMeierPlot::new()
            .time_unit("months", 30.4375)
            .y_label("Overall survival")
            .draw(&fit, Some(&log_rank(&data).unwrap()))
            .unwrap()
    };
    let a = draw();
    assert_eq!(a.svg(), draw().svg());
    // The example's figure, committed: the same bytes on every platform.
    assert_eq!(a.svg(), include_str!("../docs/figures/by_sex.svg"));
    assert!(a.svg().contains(">Log-rank P = .001<"));
    assert!(a.svg().contains(">Male, median 8.9 months<"));
    check_figure(&a);
}

#[test]
fn bad_options_are_errors() {
    let fit = KaplanMeier::new().fit(&lung_by_sex()).unwrap();
    let err = |p: KaplanMeierPlot| p.draw(&fit, None).unwrap_err();
    assert!(matches!(
        err(KaplanMeierPlot::new().width_mm(f64::NAN)).detail(),
        ErrorDetail::InvalidParameter {
            what: "width_mm",
            ..
        }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().font_size_pt(100.0)).detail(),
        ErrorDetail::InvalidParameter {
            what: "font_size_pt",
            ..
        }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().time_unit("m", 0.0)).detail(),
        ErrorDetail::InvalidParameter {
            what: "time_per_unit",
            ..
        }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().y_range(0.5, 0.5)).detail(),
        ErrorDetail::InvalidParameter { .. }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().x_step(1e-9)).detail(),
        ErrorDetail::InvalidParameter { what: "x_step", .. }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().x_step(1.0)).detail(),
        ErrorDetail::InvalidParameter { what: "x_step", .. }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().height_mm(25.0)).detail(),
        ErrorDetail::InvalidParameter {
            what: "height_mm",
            ..
        }
    ));
    assert!(matches!(
        err(KaplanMeierPlot::new().labels(&["one"])).detail(),
        ErrorDetail::LengthMismatch {
            what: "labels",
            expected: 2,
            actual: 1
        }
    ));
    let fig = KaplanMeierPlot::new().draw(&fit, None).unwrap();
    let e = fig.write_svg("/nonexistent-dir/x.svg").unwrap_err();
    assert!(matches!(e.detail(), ErrorDetail::Io { .. }), "{e}");
    assert!(e
        .to_string()
        .starts_with("could not write /nonexistent-dir/x.svg"));
}

#[test]
fn edge_cases_draw() {
    let cases: Vec<(Vec<f64>, Vec<bool>)> = vec![
        (vec![5.0], vec![true]),               // a single subject
        (vec![5.0], vec![false]),              // a single censored subject
        (vec![0.0], vec![true]),               // everything at time 0
        (vec![1.0, 2.0, 3.0], vec![false; 3]), // all censored: median NR
        (vec![1.0, 2.0, 3.0], vec![true; 3]),  // S reaches 0
        (vec![1e-3, 1e6, 5e5], vec![true, false, true]),
    ];
    for (time, event) in cases {
        let fit = KaplanMeier::new()
            .fit(&SurvivalData::new(time.clone(), event).unwrap())
            .unwrap();
        for scale in [YScale::Survival, YScale::CumulativeHazard] {
            let fig = KaplanMeierPlot::new()
                .y_scale(scale)
                .confidence_bands(true)
                .risk_table(RiskTableStyle::KMunicate)
                .draw(&fit, None)
                .unwrap_or_else(|e| panic!("{time:?}: {e}"));
            check_figure(&fig);
        }
    }
}

#[derive(Debug, Clone)]
struct Case {
    time: Vec<f64>,
    event: Vec<bool>,
    group: Vec<String>,
}

fn case() -> impl Strategy<Value = Case> {
    let name = prop_oneof!["[A-Za-z&<>\"' ]{1,8}", "[a-z]{30,90}", "\\PC{1,12}",];
    (1usize..=6)
        .prop_flat_map(move |k| {
            proptest::collection::vec(
                (
                    name.clone(),
                    proptest::collection::vec((-3.0f64..6.0, any::<bool>(), 0u8..4), 1..25),
                ),
                k,
            )
        })
        .prop_map(|groups| {
            let mut c = Case {
                time: vec![],
                event: vec![],
                group: vec![],
            };
            for (i, (name, rows)) in groups.into_iter().enumerate() {
                for (e, ev, round) in rows {
                    let t = 10f64.powf(e);
                    // Some ties: round some times to 2 significant digits.
                    let t = if round == 0 {
                        format!("{t:.1e}").parse().unwrap()
                    } else {
                        t
                    };
                    c.time.push(t);
                    c.event.push(ev);
                    c.group.push(format!("{i}{name}"));
                }
            }
            c
        })
}

fn options() -> impl Strategy<Value = KaplanMeierPlot> {
    (
        any::<bool>(),
        0usize..3,
        any::<bool>(),
        0usize..3,
        0usize..3,
        prop_oneof![Just(85.0), Just(170.0), 60.0f64..200.0],
        5.0f64..10.0,
        prop_oneof![Just(1.0), Just(30.4375), Just(365.25), Just(1e-3)],
        any::<bool>(),
    )
        .prop_map(
            |(bands, scale, percent, table, legend, width, font, unit, grey)| {
                KaplanMeierPlot::new()
                    .confidence_bands(bands)
                    .y_scale(
                        [
                            YScale::Survival,
                            YScale::CumulativeIncidence,
                            YScale::CumulativeHazard,
                        ][scale],
                    )
                    .y_format(if percent {
                        YFormat::Percent
                    } else {
                        YFormat::Proportion
                    })
                    .risk_table(
                        [
                            RiskTableStyle::None,
                            RiskTableStyle::AtRisk,
                            RiskTableStyle::KMunicate,
                        ][table],
                    )
                    .legend(
                        [
                            LegendPosition::Auto,
                            LegendPosition::Above,
                            LegendPosition::Hidden,
                        ][legend],
                    )
                    .width_mm(width)
                    .font_size_pt(font)
                    .time_unit("units", unit)
                    .palette(if grey {
                        Palette::Grey
                    } else {
                        Palette::OkabeIto
                    })
                    .title("A title & <more>")
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_data_draws_valid_svg_without_overlapping_text(c in case(), plot in options()) {
        let data = SurvivalData::builder(c.time.clone(), c.event.clone())
            .groups(&c.group)
            .build()
            .unwrap();
        let fit = KaplanMeier::new().fit(&data).unwrap();
        let test = log_rank(&data).ok();
        let figure = plot.draw(&fit, test.as_ref()).unwrap();
        let doc = check_svg(figure.svg());
        check_text_layout(&doc);
        prop_assert_eq!(figure.risk_table().groups().len(), fit.curves().len());
        // Deterministic.
        let again = plot.draw(&fit, test.as_ref()).unwrap();
        prop_assert_eq!(again.svg(), figure.svg());
    }
}

/// Issue #16 with the plot module: draw lung by sex, read each curve back from
/// the SVG through the axis map (as a digitiser would, but exactly), take the
/// numbers at risk from the figure's risk table, reconstruct both arms and
/// compare with the original data.
#[test]
fn figure_read_back_reconstructs_the_data() {
    use survkit::{combine_arms, AtRiskTable, Reconstruct, Reconstruction};
    let data = lung_by_sex();
    let fit = KaplanMeier::new().fit(&data).unwrap();
    let figure = KaplanMeierPlot::new().draw(&fit, None).unwrap();
    let doc = check_svg(figure.svg());
    let (ax, bx) = axis_map(&doc, "x-tick", "x1");
    let (ay, by) = axis_map(&doc, "y-tick", "y1");
    let table = figure.risk_table();
    let mut recs: Vec<(String, Reconstruction)> = Vec::new();
    for (i, curve) in fit.curves().iter().enumerate() {
        let d = paths(&doc, "curve", i);
        let clicks: Vec<(f64, f64)> = vertices(d[0])
            .into_iter()
            .map(|(x, y)| (ax + bx * x, ay + by * y))
            .collect();
        let rows = table.group_rows(i);
        let at_risk = AtRiskTable::new(
            rows.iter().map(|r| r.time()).collect::<Vec<_>>(),
            rows.iter().map(|r| r.n_risk() as u64).collect::<Vec<_>>(),
        )
        .unwrap();
        let rec = Reconstruct::new().fit(&clicks, &at_risk).unwrap();
        // The rebuilt curve goes through every drawn corner.
        let rebuilt = KaplanMeier::new().fit(&rec.data().unwrap()).unwrap();
        assert_eq!(
            rebuilt.curves()[0].median().estimate(),
            curve.median().estimate(),
            "median of {}",
            curve.name()
        );
        recs.push((curve.name().to_string(), rec));
    }
    let named: Vec<(&str, &Reconstruction)> = recs.iter().map(|(n, r)| (n.as_str(), r)).collect();
    let rebuilt = combine_arms(&named).unwrap();
    let (x0, x1) = (
        log_rank(&data).unwrap().statistic(),
        log_rank(&rebuilt).unwrap().statistic(),
    );
    // Numbers at risk every 200 days (the figure's ticks): censorings between
    // two drops are spread evenly, so the chi-square moves a little (+0.6%).
    assert!((x1 / x0 - 1.0).abs() < 0.02, "chi-square {x0} vs {x1}");
    eprintln!("figure round trip: chi-square {x0:.4} -> {x1:.4}");
}
