//! SVG line charts (plotters) for the reports: one line per contender or
//! backend, either axis linear or logarithmic.
//!
//! Logarithmic axes are drawn by plotting `log10` of the values on a
//! linear axis and labelling the ticks with the values themselves, so one
//! code path serves every combination of axes.

use plotters::prelude::*;
use std::error::Error;
use std::path::Path;

/// One line.
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// `(x, y)` points, in x order.
    pub points: Vec<(f64, f64)>,
}

/// How an axis maps values.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// As they are.
    Linear,
    /// `log10`, for values spanning decades.
    Log10,
    /// `log2`, for thread counts (1, 2, 4, 8): only the powers of two are
    /// labelled.
    Log2,
}

/// How an axis maps and labels values.
#[derive(Clone, Copy)]
pub struct Axis {
    /// Axis caption.
    pub label: &'static str,
    /// Linear or logarithmic (on a log axis, values must be positive;
    /// others are left out).
    pub scale: Scale,
    /// Tick label for a value (the value itself on a log axis, not its
    /// logarithm).
    pub format: fn(f64) -> String,
}

impl Axis {
    /// A linear axis labelled with compact numbers.
    pub fn linear(label: &'static str) -> Axis {
        Axis { label, scale: Scale::Linear, format: compact }
    }

    /// A logarithmic axis labelled with compact numbers.
    pub fn log(label: &'static str) -> Axis {
        Axis { label, scale: Scale::Log10, format: compact }
    }

    /// A thread-count axis (log2).
    pub fn threads() -> Axis {
        Axis { label: "threads", scale: Scale::Log2, format: compact }
    }

    fn map(self, v: f64) -> Option<f64> {
        match self.scale {
            Scale::Linear => Some(v),
            _ if v <= 0.0 => None,
            Scale::Log10 => Some(v.log10()),
            Scale::Log2 => Some(v.log2()),
        }
    }

    fn label_of(self, v: f64) -> String {
        match self.scale {
            Scale::Linear => (self.format)(v),
            Scale::Log10 => (self.format)(10f64.powf(v)),
            Scale::Log2 if (v - v.round()).abs() < 1e-6 => (self.format)(2f64.powf(v.round())),
            Scale::Log2 => String::new(),
        }
    }
}

/// `1234567.0` as `1.23M`, `0.5` as `0.5`.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (x, suffix) = match a {
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let digits = if x.abs() >= 100.0 || x.fract().abs() < 1e-9 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{x:.digits$}{suffix}")
}

/// The palette (matplotlib's tab10): the `i`-th line's color.
pub fn color(i: usize) -> RGBColor {
    const TAB10: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    let (r, g, b) = TAB10[i % TAB10.len()];
    RGBColor(r, g, b)
}

/// Whether a chart was written to `path` (`result` is its writer's);
/// a failure is said on stderr and the report goes on without the chart.
pub fn written(path: &Path, result: Result<(), Box<dyn Error>>) -> bool {
    result.map_err(|e| eprintln!("chart {}: {e}", path.display())).is_ok()
}

/// Writes a line chart of `series` to `path` (SVG, 900 x 500).
pub fn line_chart(
    path: &Path,
    title: &str,
    x: Axis,
    y: Axis,
    series: &[Series],
) -> Result<(), Box<dyn Error>> {
    let mapped: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| s.points.iter().filter_map(|&(a, b)| Some((x.map(a)?, y.map(b)?))).collect())
        .collect();
    let all = || mapped.iter().flatten();
    let bounds = |f: fn(&(f64, f64)) -> f64| {
        let lo = all().map(f).fold(f64::INFINITY, f64::min);
        let hi = all().map(f).fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
    };
    let pad = |(lo, hi): (f64, f64), log: bool| {
        let span = if hi > lo { hi - lo } else { 1.0 };
        let lo = if log { lo - span * 0.05 } else { lo.min(0.0) };
        (lo, hi + span * 0.08)
    };
    let (x0, x1) = pad(bounds(|p| p.0), x.scale != Scale::Linear);
    let (y0, y1) = pad(bounds(|p| p.1), y.scale != Scale::Linear);
    let root = SVGBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let (fx, fy) = (move |v: &f64| x.label_of(*v), move |v: &f64| y.label_of(*v));
    chart
        .configure_mesh()
        .x_desc(x.label)
        .y_desc(y.label)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .x_labels(if x.scale == Scale::Log2 { 4 * (x1 - x0).ceil() as usize + 1 } else { 8 })
        .y_labels(8)
        .draw()?;
    for (i, (s, points)) in series.iter().zip(&mapped).enumerate() {
        let c = color(i);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))?
            .label(s.name.as_str())
            .legend(move |(px, py)| PathElement::new(vec![(px, py), (px + 18, py)], c.stroke_width(2)));
        if points.len() <= 16 {
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_labelled_compactly() {
        assert_eq!(compact(1_234_567.0), "1.23M");
        assert_eq!(compact(31.62), "31.6");
        assert_eq!(compact(2000.0), "2k");
        assert_eq!(compact(0.5), "0.50");
    }

    #[test]
    fn thread_axes_label_only_powers_of_two() {
        let t = Axis::threads();
        assert_eq!(t.map(8.0), Some(3.0));
        assert_eq!(t.label_of(3.0), "8");
        assert_eq!(t.label_of(2.5), "");
        assert_eq!(Axis::log("y").map(0.0), None, "a log axis leaves out what it cannot show");
    }

    #[test]
    fn a_chart_is_an_svg_with_every_series_in_its_legend() {
        let path = std::env::temp_dir().join(format!("secvec-chart-{}.svg", std::process::id()));
        let series = [
            Series { name: "first-line".into(), points: vec![(1.0, 10.0), (2.0, 20.0)] },
            Series { name: "second-line".into(), points: vec![(1.0, 5.0), (2.0, 1.0)] },
        ];
        line_chart(&path, "test", Axis::threads(), Axis::log("y"), &series).expect("chart written");
        let svg = std::fs::read_to_string(&path).expect("chart read");
        let _ = std::fs::remove_file(&path);
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        assert!(svg.contains("first-line") && svg.contains("second-line"));
    }
}
